package dev.dockhand.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Personal API tokens: create (shown once, with a scope and an expiry), list, revoke. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Manage personal API tokens.",
    subcommands = {
      TokenCommand.Create.class,
      TokenCommand.ListTokens.class,
      TokenCommand.Revoke.class
    })
public final class TokenCommand implements Runnable {
  @Override
  public void run() {
    throw new CliException("choose one of: token create NAME, token list, token revoke ID");
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a token; it is shown once.")
  static final class Create implements Callable<Integer> {
    @Mixin ClientOptions options;

    @Parameters(paramLabel = "NAME", description = "What the token is for")
    String name;

    @Option(
        names = "--scope",
        paramLabel = "SCOPE",
        description = "read, write or admin (default: the scope of the token you use)")
    String scope;

    @Option(
        names = "--expires",
        paramLabel = "DURATION",
        description = "Expire after this long: 90m, 12h, 30d or 2w (default: never; at most 366d)")
    String expires;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      if (scope != null) {
        body.put("scope", scope);
      }
      if (expires != null) {
        body.put(
            "expiresAt",
            Instant.now().plus(duration(expires)).truncatedTo(ChronoUnit.SECONDS).toString());
      }
      JsonNode created = options.client().post("/tokens", body, Map.of());
      System.out.println(created.path("token").asText());
      System.err.println(
          "token "
              + created.path("id").asText()
              + " created with scope "
              + created.path("scope").asText()
              + ", "
              + expiry(created)
              + "; it is not shown again");
      return 0;
    }
  }

  private static final Pattern DURATION = Pattern.compile("([1-9][0-9]{0,5})([mhdw])");

  /** A lifetime such as 90m, 12h, 30d or 2w. */
  static Duration duration(String text) {
    Matcher matcher = DURATION.matcher(text.strip());
    if (!matcher.matches()) {
      throw new CliException(
          "--expires must be a number and a unit (m, h, d, w) such as 12h or 30d, got '"
              + text
              + "'");
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      case "d" -> Duration.ofDays(amount);
      default -> Duration.ofDays(7 * amount);
    };
  }

  private static String expiry(JsonNode token) {
    return token.hasNonNull("expiresAt")
        ? "expires " + token.path("expiresAt").asText()
        : "never expires";
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List your tokens.")
  static final class ListTokens implements Callable<Integer> {
    @Mixin ClientOptions options;

    @Override
    public Integer call() {
      JsonNode tokens = options.client().get("/tokens");
      JsonNode items = tokens.has("items") ? tokens.path("items") : tokens;
      for (JsonNode token : items) {
        System.out.printf(
            "%-28s  %-24s  %-5s  created %s  %s  last used %s%n",
            token.path("id").asText(),
            token.path("name").asText(),
            token.path("scope").asText(),
            token.path("createdAt").asText(),
            expiry(token),
            token.path("lastUsedAt").asText("never"));
      }
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token.")
  static final class Revoke implements Callable<Integer> {
    @Mixin ClientOptions options;

    @Parameters(paramLabel = "ID", description = "The token's id")
    String id;

    @Override
    public Integer call() {
      options.client().delete("/tokens/" + id);
      System.out.println("revoked " + id);
      return 0;
    }
  }
}
