package dev.dockhand.cli;

import dev.dockhand.sandbox.WorkerImageBuilder;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dockhand worker-image build}: makes the image task containers run from. */
@Command(
    name = "worker-image",
    description = "Manage the worker image task containers run from.",
    mixinStandardHelpOptions = true,
    subcommands = {WorkerImageCommand.Build.class})
public final class WorkerImageCommand implements Runnable {
  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Builds the image: from the Dockerfile when the base image can be pulled, else offline. */
  @Command(
      name = "build",
      mixinStandardHelpOptions = true,
      description =
          "Build the worker image. By default it tries to pull the Dockerfile's base image and"
              + " builds offline from Debian packages (needs root and debootstrap) when it cannot.")
  public static final class Build implements Callable<Integer> {
    @Option(
        names = "--image",
        defaultValue = "${env:DOCKHAND_WORKER_IMAGE:-dockhand-worker:latest}",
        description = "Image name and tag (default: ${DEFAULT-VALUE}).")
    String image;

    @Option(
        names = "--cache-dir",
        defaultValue = "${env:DOCKHAND_CACHE_DIR:-/var/cache/dockhand}",
        description = "Where the offline build keeps downloads (default: ${DEFAULT-VALUE}).")
    Path cacheDir;

    @ArgGroup(exclusive = true)
    Source source;

    static final class Source {
      @Option(names = "--offline", description = "Build from Debian packages, pulling nothing.")
      boolean offline;

      @Option(names = "--dockerfile", description = "Build from the Dockerfile (pulls the base).")
      boolean dockerfile;
    }

    WorkerImageBuilder.Mode mode() {
      if (source == null) {
        return WorkerImageBuilder.Mode.AUTO;
      }
      return source.offline ? WorkerImageBuilder.Mode.OFFLINE : WorkerImageBuilder.Mode.DOCKERFILE;
    }

    @Override
    public Integer call() throws Exception {
      int exit = new WorkerImageBuilder(image, cacheDir).build(mode());
      if (exit != 0) {
        System.err.println("worker-image: the build failed (exit " + exit + ")");
      }
      return exit;
    }
  }
}
