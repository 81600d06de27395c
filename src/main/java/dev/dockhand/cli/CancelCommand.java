package dev.dockhand.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Cancels a queued or running task. */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a task.")
public final class CancelCommand implements Callable<Integer> {
  @Mixin ClientOptions options;

  @Parameters(paramLabel = "TASK_ID", description = "The task to cancel")
  String taskId;

  @Override
  public Integer call() {
    options.client().post("/tasks/" + taskId + "/cancel", Map.of(), Map.of());
    System.out.println("cancel requested for " + taskId);
    return 0;
  }
}
