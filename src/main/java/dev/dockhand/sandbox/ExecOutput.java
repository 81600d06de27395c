package dev.dockhand.sandbox;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Collects one command's output up to a cap, passing what it keeps to a live listener as text.
 * Output past the cap is counted and dropped; past a much larger bound the command is asked to
 * stop, so an endless producer ({@code yes}) ends quickly instead of running to its time limit.
 * Thread-safe (the transport delivers frames on its own thread while the caller reads the result).
 */
final class ExecOutput {
  /** How many times the cap a command may print before it is stopped. */
  static final int STOP_FACTOR = 64;

  private final int capBytes;
  private final long stopAfterBytes;
  private final Consumer<String> listener;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE);
  private ByteBuffer undecoded = ByteBuffer.allocate(0);
  private long totalBytes;
  private boolean stopped;

  ExecOutput(int capBytes, Consumer<String> listener) {
    this.capBytes = capBytes;
    this.stopAfterBytes = (long) capBytes * STOP_FACTOR;
    this.listener = listener;
  }

  /** Takes one chunk; returns false once the command has printed so much it should be stopped. */
  synchronized boolean accept(byte[] bytes) {
    long before = totalBytes;
    totalBytes += bytes.length;
    if (before < capBytes) {
      int keep = (int) Math.min(bytes.length, capBytes - before);
      kept.write(bytes, 0, keep);
      emit(bytes, keep);
    }
    if (before <= capBytes && totalBytes > capBytes) {
      listener.accept("\n[dockhand: output truncated after " + capBytes + " bytes]\n");
    }
    if (totalBytes > stopAfterBytes && !stopped) {
      stopped = true;
      return false;
    }
    return true;
  }

  synchronized boolean truncated() {
    return totalBytes > capBytes;
  }

  synchronized String text() {
    String text = kept.toString(StandardCharsets.UTF_8);
    if (!truncated()) {
      return text;
    }
    String how =
        stopped
            ? "the command was stopped after printing more than " + stopAfterBytes + " bytes"
            : totalBytes + " bytes in all";
    return text
        + "\n[dockhand: output truncated: kept the first "
        + capBytes
        + " bytes; "
        + how
        + "]\n";
  }

  private void emit(byte[] bytes, int length) {
    ByteBuffer input = ByteBuffer.allocate(undecoded.remaining() + length);
    input.put(undecoded).put(bytes, 0, length).flip();
    CharBuffer chars = CharBuffer.allocate(input.remaining());
    decoder.decode(input, chars, false);
    undecoded = input.slice();
    chars.flip();
    if (chars.hasRemaining()) {
      listener.accept(chars.toString());
    }
  }
}
