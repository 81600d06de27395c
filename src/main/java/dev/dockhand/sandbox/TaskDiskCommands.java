package dev.dockhand.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the system tools a task disk needs (mkfs.ext4, mount, umount, losetup): argument lists,
 * never a shell, each with a time limit, output kept to a few kilobytes for the error message.
 * Tools are looked up in the sbin directories too, since a service's PATH often lacks them.
 * Stateless and thread-safe.
 */
public final class TaskDiskCommands {
  private static final int OUTPUT_CAP = 4096;
  private static final List<String> TOOL_DIRS = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

  private TaskDiskCommands() {}

  /** What one command did; {@code output} is its stdout and stderr together, cut to 4 KB. */
  public record Outcome(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  /** Thrown when the tool is not installed or could not be started at all. */
  public static final class ToolMissing extends IOException {
    ToolMissing(String tool, Throwable cause) {
      super(tool + " not found", cause);
    }
  }

  public static Outcome run(Duration timeout, String tool, String... args)
      throws ToolMissing, TimeoutException {
    List<String> command = new ArrayList<>();
    command.add(resolve(tool));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    // Stable English messages, whatever the server's locale.
    builder.environment().put("LC_ALL", "C");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new ToolMissing(tool, e);
    }
    CompletableFuture<String> output =
        CompletableFuture.supplyAsync(
            () -> readCapped(process.getInputStream()), Thread::startVirtualThread);
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new TimeoutException(tool + " did not finish within " + timeout.toSeconds() + " s");
      }
      return new Outcome(process.exitValue(), output.get(5, TimeUnit.SECONDS).strip());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new TimeoutException(tool + " was interrupted");
    } catch (ExecutionException e) {
      return new Outcome(process.exitValue(), "");
    }
  }

  private static String resolve(String tool) {
    for (String dir : TOOL_DIRS) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return tool;
  }

  private static String readCapped(InputStream in) {
    try (in) {
      byte[] kept = in.readNBytes(OUTPUT_CAP);
      in.transferTo(OutputStream.nullOutputStream());
      return new String(kept, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
