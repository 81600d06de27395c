package dev.dockhand.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A short command run to its end: its exit code and its output (stdout and stderr together). */
public record Subprocess(int exitCode, String output) {
  /** Runs {@code command} with the environment {@code environment} alone, or fails after 60 s. */
  public static Subprocess run(List<String> command, Map<String, String> environment)
      throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectInput(new File("/dev/null"));
    builder.environment().clear();
    builder.environment().putAll(environment);
    Process process = builder.start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(command + " did not end within 60 s");
    }
    return new Subprocess(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  /** The output's lines. */
  public List<String> lines() {
    return output.lines().toList();
  }
}
