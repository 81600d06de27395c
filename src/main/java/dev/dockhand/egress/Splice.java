package dev.dockhand.egress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Joins two connected channels: bytes flow both ways until each side has finished sending, with
 * half-close passed on (a client that shuts its output still gets the whole answer). One virtual
 * thread per direction, large direct buffers. Stateless.
 */
final class Splice {
  private Splice() {}

  /**
   * Runs until both directions end; {@code fromClient} already holds whatever the client sent after
   * its request head. Any I/O failure closes both channels, which ends the other direction.
   */
  static void run(ChannelReader fromClient, SocketChannel client, SocketChannel upstream) {
    Thread up =
        Thread.ofVirtual()
            .name("egress-up")
            .start(
                () -> {
                  try {
                    fromClient.copyToEnd(upstream);
                    upstream.shutdownOutput();
                  } catch (IOException e) {
                    closeQuietly(client, upstream);
                  }
                });
    try {
      new ChannelReader(upstream, EgressProxy.BUFFER_BYTES).copyToEnd(client);
      client.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(client, upstream);
    }
    try {
      up.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(client, upstream);
    }
  }

  static void writeFully(WritableByteChannel to, ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      to.write(bytes);
    }
  }

  static void closeQuietly(AutoCloseable... closeables) {
    for (AutoCloseable closeable : closeables) {
      try {
        closeable.close();
      } catch (Exception e) {
        // Closing is best effort; the connection is over either way.
      }
    }
  }
}
