package dev.dockhand.agent;

import dev.dockhand.sandbox.ExecRequest;
import dev.dockhand.sandbox.ExecResult;
import dev.dockhand.sandbox.SandboxContainer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands as local processes in a temporary directory. Only for tests whose assertions are
 * about the model conversation, not about the container (those use the real DockerSandbox): the
 * loop reads the repository guidance through the container even when the model calls no tool.
 */
final class LocalDirContainer implements SandboxContainer {
  private final Path directory;

  LocalDirContainer(Path directory) {
    this.directory = directory;
  }

  @Override
  public String id() {
    return "local-" + directory.getFileName();
  }

  @Override
  public ExecResult exec(ExecRequest request) {
    long began = System.nanoTime();
    try {
      Process process =
          new ProcessBuilder(request.command())
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .start();
      try (OutputStream stdin = process.getOutputStream()) {
        if (request.stdin() != null) {
          stdin.write(request.stdin());
        }
      }
      boolean finished = process.waitFor(request.timeout().toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        process.destroyForcibly().waitFor();
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      long millis = (System.nanoTime() - began) / 1_000_000;
      return new ExecResult(finished ? process.exitValue() : 137, output, false, !finished, millis);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {}
}
