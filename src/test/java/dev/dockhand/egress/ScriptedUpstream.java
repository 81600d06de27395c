package dev.dockhand.egress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * A one-connection server on 127.0.0.1 that records the exact bytes it was sent (up to the client's
 * end or {@code expected} bytes) and then sends a scripted answer and closes, so a test can see
 * precisely what the proxy forwards. Thread-safe.
 */
final class ScriptedUpstream implements AutoCloseable {
  private final ServerSocket server;
  final CompletableFuture<String> received = new CompletableFuture<>();

  ScriptedUpstream(String expectedEnd, String answer) throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream seen = new ByteArrayOutputStream();
                int b;
                while (!seen.toString(StandardCharsets.ISO_8859_1).endsWith(expectedEnd)
                    && (b = in.read()) >= 0) {
                  seen.write(b);
                }
                received.complete(seen.toString(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                socket.shutdownOutput();
                while (in.read() >= 0) {
                  // Wait for the proxy to close, so the answer is never reset.
                }
              } catch (IOException e) {
                received.completeExceptionally(e);
              }
            });
  }

  int port() {
    return server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
