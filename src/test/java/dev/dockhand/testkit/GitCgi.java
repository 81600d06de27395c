package dev.dockhand.testkit;

import com.sun.net.httpserver.HttpExchange;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Runs {@code git http-backend} as a CGI for one request: the request becomes its environment and
 * standard input, its output's header block becomes the response status and headers, and the rest
 * streams back as the body. Pushes are enabled. Stateless.
 */
final class GitCgi {
  static final String HTTP_BACKEND = "/usr/lib/git-core/git-http-backend";

  private GitCgi() {}

  static void run(HttpExchange exchange, Path root, String user) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(HTTP_BACKEND);
    Map<String, String> env = builder.environment();
    env.clear();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("HOME", root.toString());
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_PROJECT_ROOT", root.toString());
    env.put("GIT_HTTP_EXPORT_ALL", "1");
    env.put("GIT_CONFIG_COUNT", "1");
    env.put("GIT_CONFIG_KEY_0", "http.receivepack");
    env.put("GIT_CONFIG_VALUE_0", "true");
    env.put("REQUEST_METHOD", exchange.getRequestMethod());
    env.put("PATH_INFO", exchange.getRequestURI().getPath());
    env.put("QUERY_STRING", Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse(""));
    env.put("REMOTE_USER", user);
    env.put("REMOTE_ADDR", "127.0.0.1");
    env.put(
        "CONTENT_TYPE",
        Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type")).orElse(""));
    copyHeader(exchange, "Content-Length", "CONTENT_LENGTH", env);
    copyHeader(exchange, "Content-Encoding", "HTTP_CONTENT_ENCODING", env);
    copyHeader(exchange, "Git-Protocol", "HTTP_GIT_PROTOCOL", env);
    Process process = builder.start();
    Thread.ofVirtual().start(() -> feed(exchange.getRequestBody(), process.getOutputStream()));
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    Thread drain = Thread.ofVirtual().start(() -> feed(process.getErrorStream(), errors));
    try (InputStream out = new BufferedInputStream(process.getInputStream())) {
      String first = readLine(out);
      // No header block means the backend failed before answering; say so as a gateway would.
      int status = first.isEmpty() ? 502 : 200;
      for (String line = first; !line.isEmpty(); line = readLine(out)) {
        int colon = line.indexOf(':');
        String name = line.substring(0, colon).trim();
        String value = line.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("Status")) {
          status = Integer.parseInt(value.split(" ")[0]);
        } else if (!name.equalsIgnoreCase("Content-Length")) {
          exchange.getResponseHeaders().add(name, value);
        }
      }
      exchange.sendResponseHeaders(status, exchange.getRequestMethod().equals("HEAD") ? -1 : 0);
      try (OutputStream body = exchange.getResponseBody()) {
        out.transferTo(body);
        if (status == 502) {
          joinQuietly(drain);
          body.write(errors.toByteArray());
        }
      }
    } finally {
      try {
        process.waitFor();
        drain.join();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void copyHeader(
      HttpExchange exchange, String header, String variable, Map<String, String> env) {
    String value = exchange.getRequestHeaders().getFirst(header);
    if (value != null) {
      env.put(variable, value);
    }
  }

  private static void feed(InputStream from, OutputStream to) {
    try (from;
        to) {
      from.transferTo(to);
    } catch (IOException e) {
      // The backend may answer (an error, say) without reading the whole request.
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }
}
