package dev.dockhand.sandbox;

import com.sun.net.httpserver.HttpServer;
import dev.dockhand.config.Env;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/** Settings and requests shared by the sandbox tests; each test class gets its own node id. */
final class SandboxFixture {
  private SandboxFixture() {}

  static String uniqueNode() {
    return "test-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static SandboxSettings settings(Map<String, String> overrides) {
    Map<String, String> values = new HashMap<>();
    values.put("DOCKHAND_SANDBOX_MEMORY_MB", "256");
    values.put("DOCKHAND_SANDBOX_PIDS", "128");
    values.putAll(runtimeFromEnvironment());
    values.putAll(overrides);
    return SandboxSettings.from(new Env(values));
  }

  /**
   * The runtime the sandbox tests run under: the engine's default, or the one named by
   * DOCKHAND_SANDBOX_RUNTIME in the test's environment (scripts/test.sh runs them under runsc too).
   */
  static Map<String, String> runtimeFromEnvironment() {
    String runtime = System.getenv("DOCKHAND_SANDBOX_RUNTIME");
    return runtime == null || runtime.isBlank()
        ? Map.of()
        : Map.of("DOCKHAND_SANDBOX_RUNTIME", runtime);
  }

  /**
   * Whether the tests run under gVisor, whose own kernel answers the commands: some observations
   * (cgroup files, user namespaces, an out-of-memory kill) differ from runc's, and the tests say
   * how.
   */
  static boolean underGvisor() {
    return runtimeFromEnvironment()
        .getOrDefault("DOCKHAND_SANDBOX_RUNTIME", "")
        .startsWith("runsc");
  }

  /** A loopback "registry" answering {@code /pkg} with "registry says hi"; the caller stops it. */
  static HttpServer registry() throws IOException {
    HttpServer registry =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    registry.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    registry.createContext(
        "/pkg",
        exchange -> {
          byte[] body = "registry says hi".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    registry.start();
    return registry;
  }

  static ExecRequest bash(Duration timeout, String script) {
    return ExecRequest.of(timeout, "bash", "-c", script);
  }

  static ExecRequest bash(Duration timeout, String script, Consumer<String> onOutput) {
    return new ExecRequest(
        List.of("bash", "-c", script), "/workspace", Map.of(), null, timeout, onOutput);
  }

  /** Collects streamed output chunks in arrival order. */
  static final class Chunks implements Consumer<String> {
    final List<String> chunks = new CopyOnWriteArrayList<>();

    @Override
    public void accept(String chunk) {
      chunks.add(chunk);
    }

    String joined() {
      return String.join("", chunks);
    }
  }
}
