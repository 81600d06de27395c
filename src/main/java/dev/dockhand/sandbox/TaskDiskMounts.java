package dev.dockhand.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel's list of mounts, read from /proc/self/mountinfo, and unmounting. The list is the only
 * place a mount is known after a crash, so start-up cleanup reads it rather than trusting what it
 * finds on disk. Stateless and thread-safe.
 */
final class TaskDiskMounts {
  private static final Logger log = LoggerFactory.getLogger(TaskDiskMounts.class);
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
  private static final Duration UMOUNT_TIMEOUT = Duration.ofSeconds(30);

  private TaskDiskMounts() {}

  /** Mount points strictly below {@code root}, deepest first so nested mounts go first. */
  static List<Path> below(Path root) {
    try (Stream<String> lines = Files.lines(MOUNTINFO, StandardCharsets.ISO_8859_1)) {
      return mountPoints(lines)
          .filter(point -> point.startsWith(root) && !point.equals(root))
          .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + MOUNTINFO, e);
    }
  }

  static boolean isMounted(Path point) {
    try (Stream<String> lines = Files.lines(MOUNTINFO, StandardCharsets.ISO_8859_1)) {
      return mountPoints(lines).anyMatch(point::equals);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + MOUNTINFO, e);
    }
  }

  /**
   * The mount point of each line: the fifth field, with the kernel's octal escapes (\040 for a
   * space, \011, \012, \134) undone. Lines are read as Latin-1 so each byte survives until the path
   * is decoded as UTF-8.
   */
  static Stream<Path> mountPoints(Stream<String> lines) {
    return lines
        .map(line -> line.split(" "))
        .filter(fields -> fields.length > 4)
        .flatMap(fields -> asPath(unescape(fields[4])));
  }

  /** Another mount's name the JVM cannot represent is skipped: it cannot be below our root. */
  private static Stream<Path> asPath(String name) {
    try {
      return Stream.of(Path.of(name));
    } catch (InvalidPathException e) {
      return Stream.empty();
    }
  }

  static String unescape(String field) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length() && isOctal(field, i + 1)) {
        bytes.write(Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        bytes.write(c);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean isOctal(String field, int from) {
    for (int i = from; i < from + 3; i++) {
      char c = field.charAt(i);
      if (c < '0' || c > '7') {
        return false;
      }
    }
    return true;
  }

  /**
   * Unmounts {@code point}; when it is busy (a container still holds it, a shell sits in it),
   * detaches it lazily so it is gone from the tree now and freed when the last user lets go.
   * Returns whether it is no longer in the tree. Never throws.
   */
  static boolean unmount(Path point) {
    try {
      TaskDiskCommands.Outcome plain =
          TaskDiskCommands.run(UMOUNT_TIMEOUT, "umount", point.toString());
      if (plain.ok()) {
        return true;
      }
      TaskDiskCommands.Outcome lazy =
          TaskDiskCommands.run(UMOUNT_TIMEOUT, "umount", "-l", point.toString());
      if (lazy.ok()) {
        log.warn("task disk {} was busy ({}); detached lazily", point, plain.output());
        return true;
      }
      log.error("cannot unmount task disk {}: {}", point, lazy.output());
    } catch (TaskDiskCommands.ToolMissing | TimeoutException e) {
      log.error("cannot unmount task disk {}: {}", point, e.getMessage());
    }
    return false;
  }
}
