package dev.dockhand.egress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP echo server on 127.0.0.1, standing in for a TLS server behind a CONNECT tunnel: it sends
 * back every byte and, when the client shuts its output, finishes and shuts its own. Thread-safe.
 */
final class EchoServer implements AutoCloseable {
  private final ServerSocket server;
  final AtomicInteger accepted = new AtomicInteger();
  private final Semaphore ended = new Semaphore(0);

  EchoServer() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::acceptLoop);
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        accepted.incrementAndGet();
        Thread.ofVirtual().start(() -> echo(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Whether a connection it accepted ended (its client went away) within {@code timeout}. */
  boolean connectionEnded(Duration timeout) throws InterruptedException {
    return ended.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void echo(Socket socket) {
    try (socket) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      byte[] buffer = new byte[64 * 1024];
      int read;
      while ((read = in.read(buffer)) >= 0) {
        out.write(buffer, 0, read);
      }
      socket.shutdownOutput();
    } catch (IOException e) {
      // The tunnel closed; the test sees that from its side.
    } finally {
      ended.release();
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
