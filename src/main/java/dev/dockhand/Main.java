package dev.dockhand;

import dev.dockhand.cli.CancelCommand;
import dev.dockhand.cli.LoginLinkCommand;
import dev.dockhand.cli.ServeCommand;
import dev.dockhand.cli.SubmitCommand;
import dev.dockhand.cli.TasksCommand;
import dev.dockhand.cli.TokenCommand;
import dev.dockhand.cli.UsageCommand;
import dev.dockhand.cli.UsersCommand;
import dev.dockhand.cli.WatchCommand;
import dev.dockhand.cli.WorkerImageCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The single entry point: the server and the command-line client share one jar. */
@Command(
    name = "dockhand",
    mixinStandardHelpOptions = true,
    version = "dockhand 0.1.0",
    description = "Runs Claude coding agents against git repositories, one container per task.",
    subcommands = {
      ServeCommand.class,
      SubmitCommand.class,
      WatchCommand.class,
      TasksCommand.class,
      CancelCommand.class,
      TokenCommand.class,
      UsersCommand.class,
      UsageCommand.class,
      LoginLinkCommand.class,
      WorkerImageCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; known failures print one line, never a stack trace. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setExecutionExceptionHandler(
        (exception, line, parseResult) -> {
          if (exception instanceof DockhandException known) {
            line.getErr().println("dockhand: " + known.getMessage());
            return 2;
          }
          throw exception;
        });
    return commandLine;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
