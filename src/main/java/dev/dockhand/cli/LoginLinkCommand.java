package dev.dockhand.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Makes a one-time sign-in link for the caller, shown as a QR code for a phone. */
@Command(
    name = "login-link",
    mixinStandardHelpOptions = true,
    description = {
      "Make a one-time sign-in link (valid ten minutes) and show it as a QR code.",
      "Opening it signs that browser in as you; needs a token as wide as a session (the local"
          + " admin token in local mode) that does not expire."
    })
public final class LoginLinkCommand implements Callable<Integer> {
  @Mixin ClientOptions options;

  @Override
  public Integer call() {
    JsonNode link = options.client().post("/login-links", Map.of(), Map.of());
    SignInLink.print(
        System.out, link.path("url").asText(), "until " + link.path("expiresAt").asText());
    return 0;
  }
}
