package dev.dockhand.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** Thousands of malformed and hostile requests: none may get a 5xx, and the server survives. */
class HostileInputTest {
  private static final List<String> PATHS =
      List.of(
          "/api/v1/tasks",
          "/api/v1/tasks/%s",
          "/api/v1/tasks/%s/cancel",
          "/api/v1/tasks/%s/messages",
          "/api/v1/tasks/%s/diff",
          "/api/v1/tasks/%s/events?after=%s&limit=%s",
          "/api/v1/tasks?status=%s&limit=%s&cursor=%s",
          "/api/v1/tokens",
          "/api/v1/tokens/%s",
          "/api/v1/me",
          "/api/v1/repos",
          "/metrics",
          "/readyz",
          "/auth/github/callback?code=%s&state=%s",
          "/auth/logout",
          "/api/v1/../../etc/passwd",
          "/api/v1/tasks/..%%2f..%%2fsecret",
          "/%%00",
          "/api/v1/tasks/%%ff%%fe",
          "/index.html/../../x",
          "/api/v1/ws");
  private static final List<String> NASTY =
      List.of(
          "",
          "0",
          "-1",
          "99999999999999999999",
          "null",
          "%00",
          "..",
          "%2e%2e%2f",
          "' OR 1=1 --",
          "<script>",
          "\u00e9\u00e8",
          "a".repeat(5000),
          "1e309",
          "NaN",
          "{}",
          "[]",
          "%s%s%s");
  private static final List<String> BODIES =
      List.of(
          "",
          "{",
          "}",
          "[]",
          "null",
          "true",
          "\"str\"",
          "{\"repo\":null,\"prompt\":null}",
          "{\"repo\":{},\"prompt\":[]}",
          "{\"repo\":\"x\",\"prompt\":\"y\",\"maxTurns\":1e400}",
          "{\"repo\":\"x\",\"prompt\":\"y\",\"budgetUsd\":\"NaN\"}",
          "{\"repo\":\"x\",\"prompt\":\"y\",\"maxTurns\":99999999999999999999}",
          "{\"content\":" + "[".repeat(5000) + "}",
          "{\"name\":\"\\u0000\"}",
          "{\"repo\":\"" + "r".repeat(3000) + "\",\"prompt\":\"p\"}",
          "\u0000\u0001\u0002",
          "{\"repo\":\"x\",\"prompt\":\"y\",\"branch\":\"../../etc\"}");
  private static final List<String> METHODS =
      List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD");

  @Test
  void noHostileRequestGetsA5xxAndTheServerStaysUp() throws Exception {
    try (WebHarness harness =
        WebHarness.start(
            Map.of(
                "DOCKHAND_SUBMIT_RATE",
                "100000",
                "DOCKHAND_SUBMIT_BURST",
                "100000",
                "DOCKHAND_MAX_ACTIVE_TASKS_PER_USER",
                "100000"),
            WebLimits.DEFAULTS)) {
      String good = harness.person("fuzzer").token();
      String taskId = harness.submit(harness.person("fuzzer2")).id();
      List<String> tokens = List.of(good, "dh_nope", "", "Bearer", "dh_" + "x".repeat(300));
      Random random = new Random(42);
      Map<String, Integer> failures = new ConcurrentHashMap<>();
      int requests = 2000;
      CountDownLatch done = new CountDownLatch(requests);
      try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
        for (int i = 0; i < requests; i++) {
          HttpRequest request = randomRequest(harness, random, tokens, taskId);
          pool.submit(
              () -> {
                try {
                  HttpResponse<String> response = sendRetryingClosedConnection(harness, request);
                  if (response.statusCode() >= 500) {
                    failures.merge(
                        request.method()
                            + " "
                            + request.uri()
                            + " → "
                            + response.statusCode()
                            + " "
                            + response.body(),
                        1,
                        Integer::sum);
                  }
                } catch (RuntimeException e) {
                  failures.merge(
                      request.method() + " " + request.uri() + " → " + e, 1, Integer::sum);
                } finally {
                  done.countDown();
                }
              });
        }
        done.await();
      }
      for (String raw : rawRequests()) {
        String status = rawExchange(harness.server().port(), raw);
        if (status.matches("HTTP/1\\.1 5.*")) {
          failures.merge(
              "raw " + raw.lines().findFirst().orElse("") + " → " + status, 1, Integer::sum);
        }
      }
      assertThat(failures).isEmpty();
      assertThat(harness.get("/healthz", null).statusCode()).isEqualTo(200);
      assertThat(harness.get("/api/v1/me", good).statusCode()).isEqualTo(200);
    }
  }

  /**
   * Jetty answers a request it cannot even parse (say {@code /%00}) with its own 400 and closes the
   * connection without {@code Connection: close}; the JDK client may already have picked that
   * connection for its next request. It retries idempotent methods itself; this does the same for
   * the rest, once.
   */
  private static HttpResponse<String> sendRetryingClosedConnection(
      WebHarness harness, HttpRequest request) {
    // A pooled keep-alive connection the server closed meanwhile fails without a byte; on a busy
    // machine the next pooled one may too. A server that answered nothing would fail every time.
    for (int attempt = 1; ; attempt++) {
      try {
        return harness.send(request);
      } catch (java.io.UncheckedIOException closed) {
        if (attempt == 3) {
          throw closed;
        }
      }
    }
  }

  private static HttpRequest randomRequest(
      WebHarness harness, Random random, List<String> tokens, String taskId) {
    String template = pick(random, PATHS);
    Object[] args = new Object[3];
    for (int i = 0; i < args.length; i++) {
      String nasty = random.nextInt(4) == 0 ? taskId : pick(random, NASTY);
      args[i] = java.net.URLEncoder.encode(nasty, StandardCharsets.UTF_8);
    }
    String path =
        template.contains("%s") || template.contains("%%")
            ? String.format(template, args)
            : template;
    String method = pick(random, METHODS);
    String body = pick(random, BODIES);
    HttpRequest.Builder builder;
    try {
      builder = HttpRequest.newBuilder(harness.url(path));
    } catch (IllegalArgumentException unencodable) {
      builder = HttpRequest.newBuilder(harness.url("/api/v1/tasks"));
    }
    String token = pick(random, tokens);
    if (!token.isEmpty()) {
      builder.header("Authorization", random.nextBoolean() ? "Bearer " + token : token);
    }
    if (random.nextInt(5) == 0) {
      builder.header(
          "Cookie", "dockhand_session=" + pick(random, NASTY).replaceAll("[^A-Za-z0-9]", ""));
    }
    if (random.nextInt(5) == 0) {
      builder.header("Idempotency-Key", pick(random, List.of("k", "x".repeat(500), "k k")));
    }
    if (random.nextInt(6) == 0) {
      builder.header(
          "Content-Type",
          pick(
              random,
              List.of("text/plain", "application/json; charset=latin1", "multipart/form-data")));
    }
    return builder
        .method(
            method,
            method.equals("GET") || method.equals("HEAD")
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /** Requests the JDK client refuses to send: broken framing, huge headers, odd targets. */
  private static List<String> rawRequests() {
    List<String> raw = new ArrayList<>();
    raw.add("GET /api/v1/../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n");
    raw.add("GET /api/v1/tasks/%2e%2e/%2e%2e HTTP/1.1\r\nHost: x\r\n\r\n");
    raw.add(
        "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + "a".repeat(20_000)
            + "\r\n\r\n");
    raw.add("POST /api/v1/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n{}");
    raw.add("POST /api/v1/tasks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
    raw.add("GET /\u00ff HTTP/1.1\r\nHost: x\r\n\r\n");
    raw.add("BREW /api/v1/tasks HTTP/1.1\r\nHost: x\r\n\r\n");
    raw.add("GET * HTTP/1.1\r\nHost: x\r\n\r\n");
    raw.add(
        "GET /api/v1/ws HTTP/1.1\r\n"
            + "Host: x\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Key: bad\r\n\r\n");
    return raw;
  }

  private static String rawExchange(int port, String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      byte[] head = in.readNBytes(12);
      return new String(head, StandardCharsets.ISO_8859_1);
    } catch (IOException closed) {
      return "closed";
    }
  }

  private static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }
}
