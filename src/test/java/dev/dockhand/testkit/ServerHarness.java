package dev.dockhand.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.Json;
import dev.dockhand.app.Config;
import dev.dockhand.app.Node;
import dev.dockhand.sandbox.TestTrees;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The whole product for end-to-end tests: a real git server over smart HTTP, the stand-in Anthropic
 * and GitHub APIs, and one or more Dockhand nodes (real Docker engine, real database) in this JVM.
 * Each harness has its own data directory and node ids, so harnesses don't meet.
 */
public final class ServerHarness implements AutoCloseable {
  public static final String GIT_TOKEN = "git-token-e2e-0123456789";
  public static final String API_KEY = "standin-e2e-api-key-0123456789";

  public final GitHttpServer git = GitHttpServer.start(GIT_TOKEN);
  public final AnthropicStandIn model = AnthropicStandIn.start(API_KEY);
  public final GitHubStandIn github = GitHubStandIn.start(GIT_TOKEN);
  private final Path dataRoot;
  private final String runId = UUID.randomUUID().toString().substring(0, 8);
  private final HttpClient http = HttpClient.newHttpClient();
  private Node node;
  private String token;

  public ServerHarness() {
    try {
      dataRoot = Files.createTempDirectory("dockhand-e2e-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The configuration of node {@code name}: everything pointed at this harness's parts. */
  public Map<String, String> environment(String name) {
    Map<String, String> env = new HashMap<>(git.environment());
    env.put("DOCKHAND_PORT", "0");
    env.put("DOCKHAND_DATA_DIR", dataRoot.resolve(name).toString());
    env.put("DOCKHAND_NODE_ID", "e2e-" + runId + "-" + name);
    env.put("DOCKHAND_GIT_TOKEN", GIT_TOKEN);
    env.put("ANTHROPIC_API_KEY", API_KEY);
    env.put("ANTHROPIC_BASE_URL", model.baseUrl().toString());
    env.put("GITHUB_API_URL", github.apiUrl().toString());
    env.put("DOCKHAND_HEARTBEAT", "500ms");
    env.put("DOCKHAND_LEASE", "3s");
    env.put("DOCKHAND_POLL_INTERVAL", "200ms");
    env.put("DOCKHAND_RETRY_BACKOFF", "100ms");
    env.put("DOCKHAND_MODEL_TURN_BACKOFF", "100ms");
    env.put("DOCKHAND_SANDBOX_MEMORY_MB", "512");
    // Small task disks, so a machine with little free space still runs the journey.
    env.put("DOCKHAND_SANDBOX_DISK_MB", "1024");
    // No warm pool: the journeys find a task's container by its task label, which a pooled one
    // lacks, and idle containers would load a small machine; WarmPoolJourneyTest turns it on.
    env.put("DOCKHAND_WARM_POOL", "0");
    return new HashMap<>(TestSandbox.withRuntime(env));
  }

  /** Starts node {@code "a"} on SQLite and signs in with its local admin token. */
  public ServerHarness start() {
    return start(environment("a"));
  }

  public ServerHarness start(Map<String, String> environment) {
    node = Node.start(Config.load(environment), new PrintStream(PrintStream.nullOutputStream()));
    token = node.adminToken().orElseThrow();
    return this;
  }

  public Node node() {
    return node;
  }

  public String token() {
    return token;
  }

  public URI origin() {
    return node.origin();
  }

  public LiveClient live() {
    return LiveClient.connect(origin(), token);
  }

  /** Sends a JSON request with the admin token; returns status and parsed body. */
  public Response call(String method, String path, Object body) {
    return call(origin(), token, method, path, body);
  }

  /** The same, to any server. */
  public Response call(URI origin, String token, String method, String path, Object body) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(origin.resolve("/api/v1" + path))
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)));
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public JsonNode submit(String repo, String prompt) {
    return submit(origin(), token, repo, prompt);
  }

  public JsonNode submit(URI origin, String token, String repo, String prompt) {
    Response response =
        call(origin, token, "POST", "/tasks", Map.of("repo", repo, "prompt", prompt));
    if (response.status() != 201) {
      throw new AssertionError("submit answered " + response.status() + ": " + response.body());
    }
    return response.json();
  }

  public JsonNode task(String id) {
    return call("GET", "/tasks/" + id, null).json();
  }

  /** The data directory of node {@code name}. */
  public Path dataDir(String name) {
    return dataRoot.resolve(name);
  }

  @Override
  public void close() {
    try {
      if (node != null) {
        node.close();
      }
      model.close();
      github.close();
      git.close();
    } finally {
      TestTrees.delete(dataRoot);
    }
  }

  /** An HTTP answer. */
  public record Response(int status, String body) {
    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }
}
