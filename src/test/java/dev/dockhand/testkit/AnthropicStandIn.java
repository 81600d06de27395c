package dev.dockhand.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dockhand.Json;
import dev.dockhand.testkit.ScriptedTurn.BrokenStream;
import dev.dockhand.testkit.ScriptedTurn.DroppedStream;
import dev.dockhand.testkit.ScriptedTurn.Failure;
import dev.dockhand.testkit.ScriptedTurn.Hang;
import dev.dockhand.testkit.ScriptedTurn.Reply;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A stand-in for the Anthropic Messages API ({@code POST /v1/messages}, streaming) on 127.0.0.1 and
 * a random port. The official SDK talks to it unmodified through its base URL. It answers each
 * request with the next {@link ScriptedTurn}, speaking the documented SSE stream ({@code
 * message_start}, {@code content_block_start}, {@code content_block_delta} with {@code text_delta}
 * and {@code input_json_delta} split over several events, {@code content_block_stop}, {@code
 * message_delta}, {@code message_stop}, {@code ping}, {@code error}); it checks the API key ({@code
 * x-api-key} or {@code Authorization: Bearer}; 401 otherwise) and the request rules the real API
 * enforces (400 otherwise); and it records every request's headers and body. Token counts come from
 * a {@link UsageModel}. Thread-safe.
 */
public final class AnthropicStandIn implements AutoCloseable {

  /** Token counts the stand-in reports for one request and its reply. */
  public record TokenCounts(long input, long output, long cacheRead, long cacheWrite) {}

  /** Decides the usage figures of a request (e.g. applying the prompt-cache rules). */
  @FunctionalInterface
  public interface UsageModel {
    TokenCounts count(JsonNode request, long replyBytes, Instant at);
  }

  /** Estimates tokens as bytes/4 with no cache, like an API without prompt caching. */
  public static final UsageModel BYTES_OVER_FOUR =
      (request, replyBytes, at) ->
          new TokenCounts(request.toString().length() / 4, replyBytes / 4 + 1, 0, 0);

  /** One request as received. */
  public record Recorded(
      String method, String path, Map<String, List<String>> headers, JsonNode body) {
    public Optional<String> header(String name) {
      return headers.entrySet().stream()
          .filter(entry -> entry.getKey().equalsIgnoreCase(name))
          .flatMap(entry -> entry.getValue().stream())
          .findFirst();
    }

    public int cacheControlCount() {
      return MessagesApiRules.countCacheControl(body);
    }

    public JsonNode lastMessage() {
      JsonNode messages = body.path("messages");
      return messages.get(messages.size() - 1);
    }

    /** The tool_use_id of every tool_result in the last (user) message, in order. */
    public List<String> toolResultIds() {
      return MessagesApiRules.blocks(lastMessage()).stream()
          .filter(block -> block.path("type").asText().equals("tool_result"))
          .map(block -> block.path("tool_use_id").asText())
          .toList();
    }
  }

  private static final long PING_INTERVAL_MS = 50;

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final String apiKey;
  private final ConcurrentLinkedDeque<ScriptedTurn> script = new ConcurrentLinkedDeque<>();
  private volatile Function<JsonNode, ScriptedTurn> responder;
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final List<Long> promptSizes = new CopyOnWriteArrayList<>();
  private final AtomicLong messageIds = new AtomicLong();
  private volatile UsageModel usageModel = BYTES_OVER_FOUR;
  private volatile Clock clock = Clock.systemUTC();
  private volatile long contextWindow = 200_000;
  private volatile boolean closing;

  private AnthropicStandIn(String apiKey) throws IOException {
    this.apiKey = apiKey;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a stand-in that accepts only {@code apiKey}. */
  public static AnthropicStandIn start(String apiKey) {
    try {
      return new AnthropicStandIn(apiKey);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the Anthropic stand-in", e);
    }
  }

  /** The value for ANTHROPIC_BASE_URL. */
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * Answers every request by looking at it, instead of from the script: for many tasks at once,
   * whose requests interleave in no fixed order.
   */
  public AnthropicStandIn respondWith(Function<JsonNode, ScriptedTurn> responder) {
    this.responder = responder;
    return this;
  }

  /** Appends turns to the script; each request takes the next one. */
  public AnthropicStandIn script(ScriptedTurn... turns) {
    script.addAll(List.of(turns));
    return this;
  }

  public int turnsLeft() {
    return script.size();
  }

  public AnthropicStandIn usageModel(UsageModel model) {
    this.usageModel = model;
    return this;
  }

  /** The model's context window in tokens (default 200,000): larger prompts are refused. */
  public AnthropicStandIn contextWindow(long tokens) {
    this.contextWindow = tokens;
    return this;
  }

  public AnthropicStandIn clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  public List<Recorded> requests() {
    return List.copyOf(requests);
  }

  /**
   * The size in tokens of each prompt the model took (after context management), in order: the
   * requests that got past the key, request and window checks.
   */
  public List<Long> promptSizes() {
    return List.copyOf(promptSizes);
  }

  /** Requests to /v1/messages that passed the key and request checks and got a scripted turn. */
  public List<Recorded> answered() {
    return requests.stream().filter(request -> request.path().equals("/v1/messages")).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      JsonNode body = readBody(exchange);
      requests.add(
          new Recorded(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getPath(),
              new TreeMap<>(exchange.getRequestHeaders()),
              body));
      if (!exchange.getRequestMethod().equals("POST")
          || !exchange.getRequestURI().getPath().equals("/v1/messages")) {
        sendError(exchange, new Failure(404, "not_found_error", "Not Found"));
        return;
      }
      if (!apiKey.equals(presentedKey(exchange.getRequestHeaders()))) {
        sendError(exchange, ScriptedTurn.status(401));
        return;
      }
      if (exchange.getRequestHeaders().getFirst("anthropic-version") == null) {
        sendError(
            exchange,
            new Failure(400, "invalid_request_error", "anthropic-version header is required"));
        return;
      }
      Optional<String> violation = MessagesApiRules.violation(body);
      if (violation.isPresent()) {
        sendError(exchange, new Failure(400, "invalid_request_error", violation.get()));
        return;
      }
      Failure refused = ContextEdits.refusal(body, betas(exchange.getRequestHeaders()));
      if (refused != null) {
        sendError(exchange, refused);
        return;
      }
      ContextEdits.Outcome edited = ContextEdits.apply(body);
      long tokens = PromptCacheSimulator.promptTokens(edited.effective());
      if (tokens > contextWindow) {
        sendError(exchange, ContextEdits.tooLong(tokens, contextWindow));
        return;
      }
      promptSizes.add(tokens);
      Function<JsonNode, ScriptedTurn> answering = responder;
      ScriptedTurn turn = answering != null ? answering.apply(body) : script.poll();
      if (turn == null) {
        sendError(
            exchange,
            new Failure(400, "invalid_request_error", "the stand-in has no scripted turn left"));
        return;
      }
      answer(exchange, edited, turn);
    }
  }

  private static Set<String> betas(Headers headers) {
    Set<String> betas = new HashSet<>();
    for (String header : headers.getOrDefault("anthropic-beta", List.of())) {
      for (String beta : header.split(",")) {
        betas.add(beta.strip());
      }
    }
    return betas;
  }

  private void answer(HttpExchange exchange, ContextEdits.Outcome edited, ScriptedTurn turn)
      throws IOException {
    JsonNode body = edited.effective();
    switch (turn) {
      case Failure failure -> sendError(exchange, failure);
      case Reply reply when edited.summary().isPresent() -> compact(exchange, edited, reply);
      case Reply reply -> stream(exchange, body, reply, edited.applied());
      case BrokenStream broken -> streamBroken(exchange, body, broken);
      case Hang hang -> streamHang(exchange, body, hang);
      case DroppedStream dropped -> streamDropped(exchange, body, dropped);
    }
  }

  private void stream(HttpExchange exchange, JsonNode body, Reply reply, ArrayNode applied)
      throws IOException {
    SseWriter sse = openStream(exchange);
    long replyBytes = Json.MAPPER.writeValueAsString(reply.content()).length();
    TokenCounts counts = usageModel.count(body, replyBytes, clock.instant());
    sse.messageStart(nextMessageId(), body.path("model").asText(), counts);
    sse.ping();
    for (int index = 0; index < reply.content().size(); index++) {
      sse.block(index, reply.content().get(index));
    }
    sse.messageDelta(reply.stopReason(), counts, null, managed(applied));
    sse.messageStop();
  }

  /**
   * A reply to a request past the compaction trigger: a compaction iteration summarises the whole
   * prompt, then the message iteration answers from the summary alone; the reply opens with the
   * compaction block, and its usage lists both iterations (the top-level counts are the last's).
   */
  private void compact(HttpExchange exchange, ContextEdits.Outcome edited, Reply reply)
      throws IOException {
    JsonNode body = edited.effective();
    String summary = edited.summary().orElseThrow();
    Instant now = clock.instant();
    TokenCounts summarising = usageModel.count(body, summary.length(), now);
    ObjectNode compacted = body.deepCopy();
    ArrayNode messages = compacted.putArray("messages");
    messages
        .addObject()
        .put("role", "assistant")
        .putArray("content")
        .addObject()
        .put("type", "compaction")
        .put("content", summary)
        .put("encrypted_content", ContextEdits.seal(summary));
    long replyBytes = edited.pause() ? 0 : Json.MAPPER.writeValueAsString(reply.content()).length();
    TokenCounts answering = usageModel.count(compacted, replyBytes, now);
    SseWriter sse = openStream(exchange);
    sse.messageStart(nextMessageId(), body.path("model").asText(), answering);
    sse.compaction(0, summary, ContextEdits.seal(summary));
    if (!edited.pause()) {
      for (int index = 0; index < reply.content().size(); index++) {
        sse.block(index + 1, reply.content().get(index));
      }
    }
    ArrayNode iterations = Json.MAPPER.createArrayNode();
    iterations.add(SseWriter.iteration("compaction", summarising));
    iterations.add(SseWriter.iteration("message", answering));
    sse.messageDelta(
        edited.pause() ? "compaction" : reply.stopReason(),
        answering,
        iterations,
        managed(edited.applied()));
    sse.messageStop();
  }

  private static JsonNode managed(ArrayNode applied) {
    if (applied.isEmpty()) {
      return null;
    }
    ObjectNode management = Json.MAPPER.createObjectNode();
    management.set("applied_edits", applied);
    return management;
  }

  private void streamBroken(HttpExchange exchange, JsonNode body, BrokenStream broken)
      throws IOException {
    SseWriter sse = openStream(exchange);
    sse.messageStart(
        nextMessageId(), body.path("model").asText(), usageModel.count(body, 0, clock.instant()));
    sse.startText(0, broken.partialText());
    sse.error(broken.errorType(), broken.message());
  }

  private void streamDropped(HttpExchange exchange, JsonNode body, DroppedStream dropped)
      throws IOException {
    SseWriter sse = openStream(exchange);
    sse.messageStart(
        nextMessageId(), body.path("model").asText(), usageModel.count(body, 0, clock.instant()));
    sse.startText(0, dropped.partialText());
  }

  private void streamHang(HttpExchange exchange, JsonNode body, Hang hang) throws IOException {
    SseWriter sse = openStream(exchange);
    sse.messageStart(
        nextMessageId(), body.path("model").asText(), usageModel.count(body, 0, clock.instant()));
    sse.startText(0, hang.partialText());
    Instant giveUp = Instant.now().plusSeconds(120);
    try {
      // Like the real API, a stream that has nothing to say sends pings at an interval; a write to
      // a connection the client closed fails, which ends the hang.
      while (!closing && Instant.now().isBefore(giveUp)) {
        sse.ping();
        Thread.sleep(PING_INTERVAL_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException clientWentAway) {
      // the expected end of a hang
    }
  }

  private SseWriter openStream(HttpExchange exchange) throws IOException {
    Headers headers = exchange.getResponseHeaders();
    headers.set("content-type", "text/event-stream; charset=utf-8");
    headers.set("cache-control", "no-cache");
    headers.set("request-id", "req_standin_" + messageIds.get());
    exchange.sendResponseHeaders(200, 0);
    return new SseWriter(exchange.getResponseBody());
  }

  private void sendError(HttpExchange exchange, Failure failure) throws IOException {
    byte[] bytes =
        Json.MAPPER.writeValueAsBytes(
            Map.of(
                "type", "error",
                "error", Map.of("type", failure.errorType(), "message", failure.message()),
                "request_id", "req_standin_error"));
    Headers headers = exchange.getResponseHeaders();
    headers.set("content-type", "application/json");
    headers.set("request-id", "req_standin_error");
    if (failure.status() == 429 || failure.status() >= 500) {
      headers.set("retry-after-ms", "20");
    }
    exchange.sendResponseHeaders(failure.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /**
   * The key as the API takes it: in {@code x-api-key}, or as {@code Authorization: Bearer}, which
   * is how SDK 3.x sends an API key.
   */
  private static String presentedKey(Headers headers) {
    String apiKey = headers.getFirst("x-api-key");
    if (apiKey != null) {
      return apiKey;
    }
    String authorization = headers.getFirst("authorization");
    return authorization != null && authorization.startsWith("Bearer ")
        ? authorization.substring(7)
        : null;
  }

  private String nextMessageId() {
    return "msg_standin_" + messageIds.incrementAndGet();
  }

  private static JsonNode readBody(HttpExchange exchange) throws IOException {
    byte[] bytes = exchange.getRequestBody().readAllBytes();
    if (bytes.length == 0) {
      return Json.MAPPER.createObjectNode();
    }
    try {
      return Json.MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Json.MAPPER
          .createObjectNode()
          .put("unparseable", new String(bytes, StandardCharsets.UTF_8));
    }
  }

  @Override
  public void close() {
    closing = true;
    server.stop(0);
    executor.shutdownNow();
  }
}
