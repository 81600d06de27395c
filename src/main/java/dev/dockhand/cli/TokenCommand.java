package dev.dockhand.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Personal API tokens: create (shown once), list, revoke. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Manage personal API tokens.",
    subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
public final class TokenCommand implements Runnable {
  @Override
  public void run() {
    throw new CliException("choose one of: token create NAME, token list, token revoke ID");
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a token; it is shown once.")
  static final class Create implements Callable<Integer> {
    @Mixin ClientOptions options;

    @Parameters(paramLabel = "NAME", description = "What the token is for")
    String name;

    @Override
    public Integer call() {
      JsonNode created = options.client().post("/tokens", Map.of("name", name), Map.of());
      System.out.println(created.path("token").asText());
      System.err.println("token " + created.path("id").asText() + " created; it is not shown again");
      return 0;
    }
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
            "%-28s  %-24s  created %s  last used %s%n",
            token.path("id").asText(),
            token.path("name").asText(),
            token.path("createdAt").asText(),
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
