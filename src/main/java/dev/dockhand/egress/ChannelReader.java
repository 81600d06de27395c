package dev.dockhand.egress;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

/**
 * Bounded reads from one side of a proxied connection: a message head, a line, a counted run of
 * bytes, or everything to the end, sharing one buffer so bytes read ahead are never lost. Not
 * thread-safe: one thread reads a side at a time.
 */
final class ChannelReader {
  /** Thrown when a head or line is longer than its bound. */
  static final class TooLong extends IOException {
    TooLong(String what) {
      super(what + " too long");
    }
  }

  private final ReadableByteChannel channel;
  private final ByteBuffer buffer;

  ChannelReader(ReadableByteChannel channel, int capacity) {
    this.channel = channel;
    this.buffer = ByteBuffer.allocateDirect(capacity).flip();
  }

  /**
   * The next head (start line and header lines, up to the blank line, without it) in ISO-8859-1, or
   * null if the channel ends before its first byte. At most {@code max} bytes.
   */
  String readHead(int max) throws IOException {
    int scanned = 0;
    while (true) {
      int end = headEnd(scanned);
      if (end >= 0) {
        return take(end);
      }
      scanned = Math.max(0, buffer.remaining() - 2);
      if (buffer.remaining() >= max) {
        throw new TooLong("head");
      }
      if (!fill()) {
        if (buffer.remaining() == 0) {
          return null;
        }
        throw new EOFException("the head ended early");
      }
    }
  }

  /** The next line without its CRLF or LF; at most {@code max} bytes. */
  String readLine(int max) throws IOException {
    int scanned = 0;
    while (true) {
      for (int i = buffer.position() + scanned; i < buffer.limit(); i++) {
        if (buffer.get(i) == '\n') {
          String line = take(i - buffer.position() + 1);
          return line.substring(0, line.length() - (line.endsWith("\r\n") ? 2 : 1));
        }
      }
      scanned = buffer.remaining();
      if (scanned > max) {
        throw new TooLong("line");
      }
      if (!fill()) {
        throw new EOFException("the line ended early");
      }
    }
  }

  /** Copies exactly {@code count} bytes to {@code to}. */
  void copy(WritableByteChannel to, long count) throws IOException {
    long left = count;
    while (left > 0) {
      if (!buffer.hasRemaining() && !fill()) {
        throw new EOFException("the body ended early");
      }
      int chunk = (int) Math.min(left, buffer.remaining());
      ByteBuffer slice = buffer.slice(buffer.position(), chunk);
      Splice.writeFully(to, slice);
      buffer.position(buffer.position() + chunk);
      left -= chunk;
    }
  }

  /** Copies everything until the channel ends; returns the number of bytes. */
  long copyToEnd(WritableByteChannel to) throws IOException {
    long total = 0;
    do {
      total += buffer.remaining();
      Splice.writeFully(to, buffer);
    } while (fill());
    return total;
  }

  /** Reads more after the unread bytes; false at the end of the channel. */
  private boolean fill() throws IOException {
    buffer.compact();
    try {
      return channel.read(buffer) >= 0;
    } finally {
      buffer.flip();
    }
  }

  /** The length up to and including the blank line that ends a head, or -1. */
  private int headEnd(int from) {
    int start = buffer.position();
    for (int i = start + from; i < buffer.limit(); i++) {
      if (buffer.get(i) != '\n') {
        continue;
      }
      if (i + 1 < buffer.limit() && buffer.get(i + 1) == '\n') {
        return i + 2 - start;
      }
      if (i + 2 < buffer.limit() && buffer.get(i + 1) == '\r' && buffer.get(i + 2) == '\n') {
        return i + 3 - start;
      }
    }
    return -1;
  }

  private String take(int length) {
    byte[] bytes = new byte[length];
    buffer.get(bytes);
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }
}
