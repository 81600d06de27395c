package dev.dockhand.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * A unified diff between two commits of the host's repository, written into a stream that stops the
 * formatter once the cap is reached, so a huge change costs at most the cap in memory. A file over
 * {@link #BIG_FILE_BYTES} is shown as binary and never loaded whole, for the diff and for rename
 * detection alike. Stateless.
 */
final class CappedDiff {
  /** Larger files are "Binary files differ": a diff of them would not be read anyway. */
  static final int BIG_FILE_BYTES = 8 << 20;

  private CappedDiff() {}

  static String between(Repository repository, ObjectId from, ObjectId to, int maxChars)
      throws IOException {
    CappedOutput out = new CappedOutput(maxChars);
    boolean cut = false;
    try (RevWalk walk = new RevWalk(repository);
        DiffFormatter formatter = new DiffFormatter(out)) {
      formatter.setRepository(repository);
      formatter.setBinaryFileThreshold(BIG_FILE_BYTES);
      formatter.setDetectRenames(true);
      formatter.getRenameDetector().setBigFileThreshold(BIG_FILE_BYTES);
      formatter.format(walk.parseCommit(from).getTree(), walk.parseCommit(to).getTree());
      formatter.flush();
    } catch (CapReached e) {
      cut = true;
    }
    String diff = out.text();
    if (!cut && diff.length() <= maxChars) {
      return diff;
    }
    int end = Math.min(diff.length(), maxChars);
    if (end > 0 && Character.isHighSurrogate(diff.charAt(end - 1))) {
      end--;
    }
    return diff.substring(0, end) + "\n# diff cut at " + maxChars + " characters\n";
  }

  /** Thrown through the formatter when the cap is reached. */
  private static final class CapReached extends IOException {
    CapReached() {
      super("the diff reached its cap", null);
    }
  }

  /**
   * Keeps bytes until they hold {@code maxChars} characters: a UTF-8 sequence starts at every byte
   * that is not a continuation byte. Not thread-safe.
   */
  private static final class CappedOutput extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final long maxChars;
    private long chars;

    CappedOutput(long maxChars) {
      this.maxChars = maxChars;
    }

    @Override
    public void write(int b) throws IOException {
      if ((b & 0xC0) != 0x80 && ++chars > maxChars) {
        throw new CapReached();
      }
      bytes.write(b);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
      for (int i = offset; i < offset + length; i++) {
        if ((buffer[i] & 0xC0) != 0x80 && ++chars > maxChars) {
          bytes.write(buffer, offset, i - offset);
          throw new CapReached();
        }
      }
      bytes.write(buffer, offset, length);
    }

    String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }
}
