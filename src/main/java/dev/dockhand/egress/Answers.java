package dev.dockhand.egress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Future;

/**
 * The proxy's own answers: a status and one short text/plain paragraph, then the connection closes.
 * They name only the normalised destination and the settings a person can change, never an address
 * the name resolved to or anything from the coordinator. Stateless.
 */
final class Answers {
  private static final Duration LINGER = Duration.ofSeconds(1);
  private static final long LINGER_BYTES = 1024 * 1024;

  private Answers() {}

  /**
   * Answers and then closes gently: stops sending and drops what the client still sends (its
   * request body, say) for up to a second or a MiB. Closing a Unix socket with unread bytes resets
   * it, and the client would see the reset instead of the answer.
   */
  static void reply(SocketChannel client, EgressProxy proxy, int status, String text)
      throws IOException {
    send(client, status, text);
    client.shutdownOutput();
    Future<?> stop =
        proxy.after(
            LINGER,
            () -> {
              try {
                client.shutdownInput();
              } catch (IOException e) {
                Splice.closeQuietly(client);
              }
            });
    try {
      ByteBuffer sink = ByteBuffer.allocate(16 * 1024);
      long drained = 0;
      while (drained < LINGER_BYTES && client.read(sink) >= 0) {
        drained += sink.position();
        sink.clear();
      }
    } finally {
      stop.cancel(false);
    }
  }

  static void send(WritableByteChannel client, int status, String text) throws IOException {
    byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + status
            + " "
            + reason(status)
            + "\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: "
            + body.length
            + "\r\n"
            + "Connection: close\r\n"
            + "\r\n";
    Splice.writeFully(client, ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
    Splice.writeFully(client, ByteBuffer.wrap(body));
  }

  static String notListed(Target target) {
    return "dockhand egress: " + target + " is not on this task's allowlist. " + howToAllow();
  }

  static String nonPublic(Target target) {
    return "dockhand egress: "
        + target
        + " resolves to a loopback, private, link-local or other"
        + " non-public address; only an operator entry naming that address itself (in"
        + " DOCKHAND_EGRESS_ALLOW, e.g. 10.0.0.7:8080) can allow it.";
  }

  private static String howToAllow() {
    return "An operator can allow it for all tasks in DOCKHAND_EGRESS_ALLOW; a person can add it"
        + " to one task at submit with egressAllow (where DOCKHAND_EGRESS_USER_ADD permits).";
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 408 -> "Request Timeout";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      default -> "Error";
    };
  }
}
