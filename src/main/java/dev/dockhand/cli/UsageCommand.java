package dev.dockhand.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Prints the usage report: the table the web app's Usage page shows. */
@Command(
    name = "usage",
    mixinStandardHelpOptions = true,
    description = {
      "Tokens, cost, tasks and success rate, per day, repository, model or user.",
      "Admins see every user's tasks, others their own."
    })
public final class UsageCommand implements Callable<Integer> {
  private static final String ROW = "%-28s  %6s  %7s  %12s  %12s  %12s  %10s%n";

  @Mixin ClientOptions options;

  @Option(names = "--from", description = "First UTC day, YYYY-MM-DD (default: six days ago)")
  String from;

  @Option(names = "--to", description = "Last UTC day, YYYY-MM-DD (default: today)")
  String to;

  @Option(
      names = "--by",
      defaultValue = "day",
      description = "Group by day, repo, model or user (default ${DEFAULT-VALUE})")
  String groupBy;

  @Override
  public Integer call() {
    StringBuilder path = new StringBuilder("/usage?groupBy=").append(encode(groupBy));
    if (from != null) {
      path.append("&from=").append(encode(from));
    }
    if (to != null) {
      path.append("&to=").append(encode(to));
    }
    JsonNode report = options.client().get(path.toString());
    System.out.printf(
        Locale.ROOT,
        "Usage %s to %s by %s (%s)%n",
        report.path("from").asText(),
        report.path("to").asText(),
        report.path("groupBy").asText(),
        report.path("scope").asText().equals("everyone") ? "every user" : "your tasks");
    System.out.printf(
        Locale.ROOT,
        ROW,
        groupBy.toUpperCase(Locale.ROOT),
        "TASKS",
        "SUCCESS",
        "INPUT",
        "OUTPUT",
        "CACHED",
        "COST");
    report.path("rows").forEach(UsageCommand::print);
    print(report.path("total"));
    return 0;
  }

  private static void print(JsonNode row) {
    JsonNode rate = row.path("successRate");
    System.out.printf(
        Locale.ROOT,
        ROW,
        row.path("label").asText(),
        row.path("tasks").asLong(),
        rate.isNumber() ? Math.round(rate.asDouble() * 100) + "%" : "-",
        row.path("inputTokens").asLong(),
        row.path("outputTokens").asLong(),
        row.path("cacheReadTokens").asLong() + row.path("cacheWriteTokens").asLong(),
        String.format(Locale.ROOT, "$%.2f", row.path("costUsd").asDouble()));
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
