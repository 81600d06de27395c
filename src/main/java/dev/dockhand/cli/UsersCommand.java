package dev.dockhand.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Admins: list the server's users, disable one (at once), enable them again. */
@Command(
    name = "users",
    mixinStandardHelpOptions = true,
    description = "List, disable and enable users (admins only).",
    subcommands = {
      UsersCommand.ListUsers.class,
      UsersCommand.Disable.class,
      UsersCommand.Enable.class
    })
public final class UsersCommand implements Runnable {
  @Override
  public void run() {
    throw new CliException("choose one of: users list, users disable USER, users enable USER");
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List every user.")
  static final class ListUsers implements Callable<Integer> {
    @Mixin ClientOptions options;

    @Override
    public Integer call() {
      System.out.printf(
          Locale.ROOT,
          "%-6s  %-24s  %-8s  %-6s  %-9s  %-9s  %-9s  %s%n",
          "ID",
          "LOGIN",
          "STATE",
          "ACTIVE",
          "TODAY",
          "MONTH",
          "ROLE",
          "BUDGET (DAY/MONTH)");
      eachUser(options.client(), UsersCommand::print);
      return 0;
    }
  }

  private static void print(JsonNode user) {
    System.out.printf(
        Locale.ROOT,
        "%-6d  %-24s  %-8s  %-6d  $%-8.2f  $%-8.2f  %-9s  %s/%s%n",
        user.path("id").asLong(),
        user.path("login").asText(),
        user.path("disabled").asBoolean() ? "disabled" : "active",
        user.path("activeTasks").asLong(),
        user.path("spend").path("todayUsd").asDouble(),
        user.path("spend").path("thisMonthUsd").asDouble(),
        user.path("local").asBoolean() ? "local" : user.path("admin").asBoolean() ? "admin" : "-",
        budget(user.path("budget").path("dailyUsd")),
        budget(user.path("budget").path("monthlyUsd")));
  }

  private static String budget(JsonNode value) {
    return value.isNumber() ? String.format(Locale.ROOT, "$%.2f", value.asDouble()) : "default";
  }

  @Command(
      name = "disable",
      mixinStandardHelpOptions = true,
      description = {
        "Disable a user: their sessions end, their tokens are refused, their queued and running"
            + " tasks are cancelled.",
        "USER is a login or a numeric id."
      })
  static final class Disable extends Switch {
    Disable() {
      super("disable", "disabled");
    }
  }

  @Command(
      name = "enable",
      mixinStandardHelpOptions = true,
      description = {"Let a disabled user in again.", "USER is a login or a numeric id."})
  static final class Enable extends Switch {
    Enable() {
      super("enable", "enabled");
    }
  }

  /** Finds the user, then posts {@code /admin/users/{id}/<action>}. */
  abstract static class Switch implements Callable<Integer> {
    private final String action;
    private final String done;

    @Mixin ClientOptions options;

    @Parameters(paramLabel = "USER", description = "Login or id")
    String user;

    Switch(String action, String done) {
      this.action = action;
      this.done = done;
    }

    @Override
    public Integer call() {
      ApiClient client = options.client();
      JsonNode found = find(client, user);
      client.post("/admin/users/" + found.path("id").asLong() + "/" + action, Map.of(), Map.of());
      System.out.println(done + " " + found.path("login").asText());
      return 0;
    }
  }

  /** The user with this login (without case), else with this id. */
  private static JsonNode find(ApiClient client, String wanted) {
    List<JsonNode> users = new ArrayList<>();
    eachUser(client, users::add);
    return users.stream()
        .filter(user -> user.path("login").asText().equalsIgnoreCase(wanted))
        .findFirst()
        .or(
            () ->
                users.stream().filter(user -> user.path("id").asText().equals(wanted)).findFirst())
        .orElseThrow(() -> new CliException("no user has the login or id '" + wanted + "'"));
  }

  private static void eachUser(ApiClient client, Consumer<JsonNode> action) {
    String cursor = "";
    do {
      JsonNode page =
          client.get(
              "/admin/users?limit=200"
                  + (cursor.isEmpty()
                      ? ""
                      : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
      page.path("items").forEach(action);
      cursor = page.path("nextCursor").asText("");
    } while (!cursor.isEmpty());
  }
}
