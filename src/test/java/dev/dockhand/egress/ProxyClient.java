package dev.dockhand.egress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** What a container does through the proxy's socket, byte by byte. Not thread-safe. */
final class ProxyClient implements AutoCloseable {
  record Response(int status, String head, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final SocketChannel channel;

  ProxyClient(Path socket) throws IOException {
    channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(socket));
  }

  /** Sends a request and reads the whole answer, up to the proxy closing the connection. */
  static Response exchange(Path socket, String request) throws IOException {
    try (ProxyClient client = new ProxyClient(socket)) {
      client.send(request);
      return parse(client.readToEnd());
    }
  }

  void send(String text) throws IOException {
    send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  void send(byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  void shutdownOutput() throws IOException {
    channel.shutdownOutput();
  }

  /** Reads exactly {@code count} bytes. */
  byte[] read(int count) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(count);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        throw new IOException("ended after " + buffer.position() + " of " + count + " bytes");
      }
    }
    return buffer.array();
  }

  /** Reads up to the end of a head (the blank line). */
  String readHead() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (!out.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      one.clear();
      if (channel.read(one) < 0) {
        throw new IOException("ended inside a head: " + out);
      }
      out.write(one.get(0));
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  byte[] readToEnd() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
    while (channel.read(buffer) >= 0) {
      out.write(buffer.array(), 0, buffer.position());
      buffer.clear();
    }
    return out.toByteArray();
  }

  static Response parse(byte[] bytes) {
    String all = new String(bytes, StandardCharsets.ISO_8859_1);
    int end = all.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new AssertionError("no response head in: " + all);
    }
    String head = all.substring(0, end + 2);
    int status = Integer.parseInt(head.substring(9, 12));
    byte[] body = new byte[bytes.length - end - 4];
    System.arraycopy(bytes, end + 4, body, 0, body.length);
    return new Response(status, head, body);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
