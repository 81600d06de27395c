package dev.dockhand.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Lists the caller's tasks, newest first. */
@Command(
    name = "tasks",
    mixinStandardHelpOptions = true,
    description = "List your tasks, newest first.")
public final class TasksCommand implements Callable<Integer> {
  @Mixin ClientOptions options;

  @Option(
      names = "--status",
      description = "Only tasks in this state (queued, running, succeeded, failed, cancelled)")
  String status;

  @Option(
      names = "--limit",
      defaultValue = "20",
      description = "How many (default ${DEFAULT-VALUE})")
  int limit;

  @Override
  public Integer call() {
    StringBuilder path = new StringBuilder("/tasks?limit=").append(limit);
    if (status != null) {
      path.append("&status=").append(URLEncoder.encode(status, StandardCharsets.UTF_8));
    }
    JsonNode page = options.client().get(path.toString());
    System.out.printf(
        Locale.ROOT, "%-26s  %-9s  %-8s  %-40s  %s%n", "ID", "STATUS", "COST", "REPO", "CREATED");
    for (JsonNode task : page.path("items")) {
      System.out.printf(
          Locale.ROOT,
          "%-26s  %-9s  $%-7.4f  %-40s  %s%n",
          task.path("id").asText(),
          task.path("status").asText(),
          task.path("usage").path("costUsd").asDouble(),
          task.path("repo").asText(),
          task.path("createdAt").asText());
    }
    return 0;
  }
}
