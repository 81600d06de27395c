package dev.dockhand;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The single entry point: the server and the command-line client share one jar. */
@Command(
    name = "dockhand",
    mixinStandardHelpOptions = true,
    version = "dockhand 0.1.0",
    description = "Runs Claude coding agents against git repositories, one container per task.",
    subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
