package dev.dockhand.env;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two ways a cached tree appears in a task's directory. An overlay mount shows the entry's tree
 * read-only beneath an upper directory of the task's own, so nothing is copied and each task's
 * writes land in its own upper, on its own bounded disk; a copy ({@code cp -a --reflink=auto}) is
 * the fallback where overlayfs cannot be mounted. Either way what the directory already held stays
 * on top of what the entry has. Stateless and thread-safe.
 */
final class Restores {
  private static final Logger log = LoggerFactory.getLogger(Restores.class);
  private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
  private static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration COPY_TIMEOUT = Duration.ofMinutes(30);

  /** Characters the overlay's option string gives a meaning to. */
  private static final Pattern UNSAFE_IN_OPTIONS = Pattern.compile("[,:\\\\\"\\p{Cntrl}]");

  private Restores() {}

  /** No overlay can be mounted here: not root, no overlay support, or paths it cannot name. */
  static final class OverlayUnavailable extends IOException {
    OverlayUnavailable(String message, IOException cause) {
      super(message, cause);
    }
  }

  /**
   * Mounts an overlay of {@code lower} at {@code target}, nosuid and nodev, with its upper and work
   * directories in {@code area}, which must be on {@code target}'s filesystem: what {@code target}
   * held is moved (renamed) into the upper first, so it shows in the merged view and stays the
   * task's. On failure {@code target} holds what it held before.
   *
   * @throws OverlayUnavailable when the mount itself was refused
   */
  static void mount(Path lower, Path target, Path area) throws IOException {
    Path upper = area.resolve("upper");
    Path work = area.resolve("work");
    for (Path path : List.of(lower, upper, work)) {
      if (UNSAFE_IN_OPTIONS.matcher(path.toString()).find()) {
        throw new OverlayUnavailable("an overlay's options cannot name " + path, null);
      }
    }
    Files.createDirectories(area);
    Files.createDirectory(upper);
    Files.createDirectory(work);
    // The merged view's top directory is the upper's: it keeps the target's owner and mode.
    Map<String, Object> top =
        Files.readAttributes(target, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(upper, "unix:mode", (Integer) top.get("mode") & 07777);
    Files.setAttribute(upper, "unix:uid", top.get("uid"));
    Files.setAttribute(upper, "unix:gid", top.get("gid"));
    CacheFiles.moveChildren(target, upper);
    String options =
        "lowerdir="
            + lower
            + ",upperdir="
            + upper
            + ",workdir="
            + work
            + ",nosuid,nodev,index=off,metacopy=off";
    try {
      EnvCommands.run(
          MOUNT_TIMEOUT, "mount", "-t", "overlay", "overlay", "-o", options, target.toString());
    } catch (IOException e) {
      CacheFiles.moveChildren(upper, target);
      throw new OverlayUnavailable(e.getMessage(), e);
    }
  }

  /** Takes back a {@link #mount} no task has used yet: {@code target} holds what it held. */
  static void undoMount(Path target, Path area) throws IOException {
    Restores.unmount(target);
    CacheFiles.moveChildren(area.resolve("upper"), target);
  }

  /**
   * Unmounts {@code target}, lazily when busy; nothing when it is no longer mounted. Never throws.
   */
  static void unmount(Path target) {
    if (!isMounted(target)) {
      return;
    }
    try {
      EnvCommands.run(MOUNT_TIMEOUT, "umount", target.toString());
    } catch (IOException busy) {
      try {
        EnvCommands.run(MOUNT_TIMEOUT, "umount", "-l", target.toString());
        log.warn("restored environment at {} was busy; detached lazily", target);
      } catch (IOException e) {
        log.error("cannot unmount restored environment at {}: {}", target, e.getMessage());
      }
    }
  }

  /**
   * Copies {@code lower} into {@code target}, keeping owners, modes, times and links as they are,
   * sharing blocks where the filesystem can. What {@code target} held is set aside in {@code area}
   * meanwhile and put back on top. A copy cut short leaves what it copied so far.
   */
  static void copy(Path lower, Path target, Path area) throws IOException {
    Path aside = Files.createDirectories(area).resolve("aside");
    Files.createDirectory(aside);
    CacheFiles.moveChildren(target, aside);
    try {
      EnvCommands.run(
          COPY_TIMEOUT, "cp", "-a", "--reflink=auto", "--", lower + "/.", target.toString());
    } finally {
      putBack(aside, target);
    }
  }

  private static void putBack(Path aside, Path target) throws IOException {
    List<Path> kept = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(aside)) {
      entries.forEach(kept::add);
    }
    for (Path child : kept) {
      Path there = target.resolve(child.getFileName());
      if (!CacheFiles.delete(there)) {
        throw new IOException("cannot make room for " + there);
      }
    }
    CacheFiles.moveChildren(aside, target);
  }

  /** Whether {@code target} is a mount point, by the kernel's list (whose fields escape blanks). */
  private static boolean isMounted(Path target) {
    String real;
    try {
      real = target.toRealPath().toString();
    } catch (IOException gone) {
      return false;
    }
    String escaped =
        real.replace("\\", "\\134")
            .replace(" ", "\\040")
            .replace("\t", "\\011")
            .replace("\n", "\\012");
    try (Stream<String> lines = Files.lines(MOUNTINFO, StandardCharsets.ISO_8859_1)) {
      return lines.map(line -> line.split(" ")).anyMatch(f -> f.length > 4 && f[4].equals(escaped));
    } catch (IOException | UncheckedIOException e) {
      return true;
    }
  }
}
