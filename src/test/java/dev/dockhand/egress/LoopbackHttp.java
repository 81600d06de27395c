package dev.dockhand.egress;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 for the proxy to reach: {@code /echo} answers with what it was
 * sent (method, target, a few fields, the body), {@code /big} with {@link #BIG_BYTES} bytes of a
 * known pattern. Thread-safe.
 */
final class LoopbackHttp implements AutoCloseable {
  static final int BIG_BYTES = 16 * 1024 * 1024;

  private final HttpServer server;
  final AtomicInteger requests = new AtomicInteger();

  LoopbackHttp() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/echo", this::echo);
    server.createContext("/big", this::big);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  static byte patternByte(long index) {
    return (byte) (index % 251);
  }

  private void echo(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    byte[] body = exchange.getRequestBody().readAllBytes();
    String text =
        "method="
            + exchange.getRequestMethod()
            + "\n"
            + "uri="
            + exchange.getRequestURI()
            + "\n"
            + "host="
            + field(exchange, "Host")
            + "\n"
            + "connection="
            + field(exchange, "Connection")
            + "\n"
            + "proxy-authorization="
            + field(exchange, "Proxy-Authorization")
            + "\n"
            + "keep-alive="
            + field(exchange, "Keep-Alive")
            + "\n"
            + "x-test="
            + field(exchange, "X-Test")
            + "\n"
            + "body="
            + new String(body, StandardCharsets.UTF_8);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("X-Upstream", "yes");
    exchange.getResponseHeaders().add("Keep-Alive", "timeout=5");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void big(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    exchange.getRequestBody().readAllBytes();
    exchange.sendResponseHeaders(200, BIG_BYTES);
    byte[] block = new byte[251 * 256];
    for (int i = 0; i < block.length; i++) {
      block[i] = patternByte(i);
    }
    try (OutputStream out = exchange.getResponseBody()) {
      long sent = 0;
      while (sent < BIG_BYTES) {
        int chunk = (int) Math.min(block.length, BIG_BYTES - sent);
        out.write(block, 0, chunk);
        sent += chunk;
      }
    }
  }

  private static String field(HttpExchange exchange, String name) {
    String value = exchange.getRequestHeaders().getFirst(name);
    return value == null ? "none" : value;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
