package dev.dockhand.testkit;

import dev.dockhand.config.Env;
import dev.dockhand.sandbox.DockerSandbox;
import dev.dockhand.sandbox.SandboxContainer;
import dev.dockhand.sandbox.SandboxSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Real task containers (the DockerSandbox on the local engine, the worker image) for tests and
 * benchmarks that exercise the agent's tools. One sandbox per JVM, under a node id of its own.
 * Thread-safe.
 */
public final class TestSandbox {
  private static final DockerSandbox SANDBOX =
      new DockerSandbox(
          SandboxSettings.from(new Env(withRuntime(Map.of("DOCKHAND_SANDBOX_MEMORY_MB", "512")))),
          "agent-test-" + UUID.randomUUID().toString().substring(0, 8));

  private TestSandbox() {}

  /**
   * {@code values} plus DOCKHAND_SANDBOX_RUNTIME when the test's environment names one, so the same
   * tests run under runc and under gVisor.
   */
  public static Map<String, String> withRuntime(Map<String, String> values) {
    String runtime = System.getenv("DOCKHAND_SANDBOX_RUNTIME");
    if (runtime == null || runtime.isBlank()) {
      return values;
    }
    Map<String, String> all = new HashMap<>(values);
    all.put("DOCKHAND_SANDBOX_RUNTIME", runtime);
    return all;
  }

  /** A fresh container for {@code taskId} with {@code workspace} at /workspace. */
  public static SandboxContainer start(String taskId, Path workspace) {
    return SANDBOX.start(taskId, workspace);
  }

  /** {@code docker inspect} of a container, as the engine reports it. */
  public static String inspect(String containerId) {
    try {
      Process process =
          new ProcessBuilder("docker", "inspect", containerId).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException("docker inspect failed: " + output);
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
