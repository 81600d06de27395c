package dev.dockhand.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Streams one task's events to the terminal until it ends, then prints a summary. */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = "Follow a task live until it ends.")
public final class WatchCommand implements Callable<Integer> {
  @Mixin ClientOptions options;

  @Parameters(paramLabel = "TASK_ID", description = "The task to follow")
  String taskId;

  @Option(names = "--no-color", description = "Plain output (also when NO_COLOR is set)")
  boolean noColor;

  @Override
  public Integer call() throws InterruptedException {
    return follow(options.client(), taskId, !noColor);
  }

  static int follow(ApiClient client, String taskId, boolean colourWanted)
      throws InterruptedException {
    boolean colour = colourWanted && System.console() != null && System.getenv("NO_COLOR") == null;
    EventPrinter printer = new EventPrinter(System.out, colour);
    JsonNode task = new TaskWatcher(client, printer, System.err).watch(taskId);
    printer.summary(task);
    return "succeeded".equals(task.path("status").asText()) ? 0 : 1;
  }
}
