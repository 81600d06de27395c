package dev.dockhand.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.Json;
import dev.dockhand.config.Secret;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The HTTP API as the command-line client sees it. Thread-safe. */
public final class ApiClient {
  private final URI base;
  private final Secret token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public ApiClient(URI base, Secret token) {
    this.base = base;
    this.token = token;
  }

  public URI base() {
    return base;
  }

  public JsonNode get(String path) {
    return send(request(path).GET(), path);
  }

  public JsonNode post(String path, Object body, Map<String, String> headers) {
    HttpRequest.Builder builder =
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(write(body)));
    headers.forEach(builder::header);
    return send(builder, path);
  }

  public JsonNode delete(String path) {
    return send(request(path).DELETE(), path);
  }

  /** Opens the realtime socket; the caller sends subscribe frames. */
  public CompletableFuture<WebSocket> websocket(WebSocket.Listener listener) {
    String scheme = base.getScheme().equals("https") ? "wss" : "ws";
    URI uri =
        URI.create(scheme + base.toString().substring(base.getScheme().length()) + "/api/v1/ws");
    return http.newWebSocketBuilder()
        .header("Authorization", "Bearer " + token.reveal())
        .connectTimeout(Duration.ofSeconds(10))
        .buildAsync(uri, listener);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve("/api/v1" + path))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + token.reveal())
        .header("Accept", "application/json");
  }

  private JsonNode send(HttpRequest.Builder builder, String path) {
    HttpResponse<String> response = exchange(builder, path);
    if (response.body() == null || response.body().isBlank()) {
      return Json.MAPPER.createObjectNode();
    }
    try {
      return Json.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new CliException("the server sent something that is not JSON for " + path);
    }
  }

  private HttpResponse<String> exchange(HttpRequest.Builder builder, String path) {
    HttpResponse<String> response;
    try {
      response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new CliException(
          "cannot reach the server at " + base + " (is `dockhand serve` running?)");
    } catch (IOException e) {
      throw new CliException("request to " + base + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
    if (response.statusCode() >= 400) {
      throw new CliException(describeError(response));
    }
    return response;
  }

  private static String describeError(HttpResponse<String> response) {
    try {
      JsonNode error = Json.MAPPER.readTree(response.body()).path("error");
      String field = error.path("field").asText("");
      return "server answered "
          + response.statusCode()
          + " ("
          + error.path("code").asText("error")
          + "): "
          + (field.isEmpty() ? "" : field + ": ")
          + error.path("message").asText("");
    } catch (IOException | RuntimeException e) {
      return "server answered " + response.statusCode();
    }
  }

  private static String write(Object body) {
    try {
      return Json.MAPPER.writeValueAsString(body);
    } catch (IOException e) {
      throw new CliException("cannot encode request: " + e.getMessage());
    }
  }
}
