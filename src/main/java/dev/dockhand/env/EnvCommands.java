package dev.dockhand.env;

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
import java.util.concurrent.TimeUnit;

/**
 * Runs mount, umount and cp for the cache: argument lists, never a shell, with a time limit; the
 * output is kept to a few hundred bytes for a log line. Stateless and thread-safe.
 */
final class EnvCommands {
  private static final int OUTPUT_CAP = 512;
  private static final List<String> TOOL_DIRS = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

  private EnvCommands() {}

  /** Runs the command; returns normally only when it exited with 0. */
  static void run(Duration timeout, String tool, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(resolve(tool)));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().put("LC_ALL", "C");
    Process process = builder.start();
    CompletableFuture<String> output =
        CompletableFuture.supplyAsync(
            () -> readCapped(process.getInputStream()), Thread::startVirtualThread);
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IOException(tool + " did not finish within " + timeout.toSeconds() + " s");
      }
      if (process.exitValue() != 0) {
        String said = output.completeOnTimeout("", 5, TimeUnit.SECONDS).join();
        throw new IOException(tool + " exited with " + process.exitValue() + ": " + said);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(tool + " was interrupted", e);
    } finally {
      process.destroyForcibly();
    }
  }

  /** The tools print a line or two; what a runaway prints past the cap is drained unread. */
  private static String readCapped(InputStream in) {
    try (in) {
      byte[] kept = in.readNBytes(OUTPUT_CAP);
      in.transferTo(OutputStream.nullOutputStream());
      return new String(kept, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "";
    }
  }

  private static String resolve(String tool) {
    return TOOL_DIRS.stream()
        .map(dir -> Path.of(dir, tool))
        .filter(Files::isExecutable)
        .map(Path::toString)
        .findFirst()
        .orElse(tool);
  }
}
