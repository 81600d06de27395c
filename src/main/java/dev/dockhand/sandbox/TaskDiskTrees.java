package dev.dockhand.sandbox;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a task's directory, whose contents a container wrote and are therefore hostile: links are
 * removed, never followed, and the walk stays on the filesystem it started on, so a mount still in
 * place (or one planted by a bind) is left alone rather than emptied. The walk holds one directory
 * per level, not every path, and goes at most {@link #MAX_DEPTH} levels down, so a tree nested
 * deeper than a path may be long is still deleted. Logs name the top and counts only: the names
 * below it are the container's choice. Stateless and thread-safe.
 */
public final class TaskDiskTrees {
  private static final Logger log = LoggerFactory.getLogger(TaskDiskTrees.class);

  /**
   * How deep one pass goes: eight names of at most 255 bytes stay well inside the 4096 bytes a path
   * may have, and eight open directories are nothing.
   */
  static final int MAX_DEPTH = 8;

  private TaskDiskTrees() {}

  /**
   * Deletes {@code top} and what is below it; returns whether it is gone, spills included. Never
   * throws.
   *
   * <p>A pass deletes files on the way down and directories on the way up, and moves each directory
   * it finds at the depth limit (one rename) into a spill directory beside {@code top}; the next
   * pass deletes that spill the same way. Each pass takes {@code MAX_DEPTH - 1} levels off the
   * tree, so any depth goes with short paths. A mount is never entered, and a directory at the
   * depth limit with a mount somewhere below it (per /proc/self/mountinfo) is kept whole rather
   * than moved, so a mount stays at its path for start-up cleanup to find; what is above a kept
   * directory stays too.
   */
  public static boolean delete(Path top) {
    try {
      if (!Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
        return true;
      }
      top = top.toRealPath(LinkOption.NOFOLLOW_LINKS);
      Object device = Files.getAttribute(top, "unix:dev", LinkOption.NOFOLLOW_LINKS);
      Tally tally = new Tally(mountsBelow(top));
      // Named afresh per delete, so that a spill a crash left never stands in the way.
      String spills =
          top.getFileName() + ".deep-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
      boolean gone = true;
      Path current = top;
      for (int pass = 1; Files.exists(current, LinkOption.NOFOLLOW_LINKS); pass++) {
        Path spill = top.resolveSibling(spills + "-" + pass);
        try {
          Files.walkFileTree(current, Set.of(), MAX_DEPTH, new Deleter(device, spill, tally));
        } catch (IOException | RuntimeException e) {
          tally.failed(e);
        }
        gone &= !Files.exists(current, LinkOption.NOFOLLOW_LINKS);
        current = spill;
      }
      tally.report(top);
      return gone;
    } catch (IOException | RuntimeException e) {
      log.error("cannot delete task directory {}: {}", top, reason(e));
      return false;
    }
  }

  /** Mounts known below {@code top}; none when the kernel's list cannot be read. */
  private static List<Path> mountsBelow(Path top) {
    try {
      return TaskDiskMounts.below(top);
    } catch (RuntimeException e) {
      // The device check still keeps the walk out of any mount it reaches.
      log.warn("cannot list mounts below {}: {}", top, e.toString());
      return List.of();
    }
  }

  /** A failure without its path, which below the top is the container's choice. */
  private static String reason(Exception e) {
    String why = e instanceof FileSystemException fs ? fs.getReason() : e.getMessage();
    return e.getClass().getSimpleName() + (why == null ? "" : " (" + why + ")");
  }

  /** What one delete left alone, for one log line at its end. Used by one thread. */
  private static final class Tally {
    private final List<Path> mounts;
    private long skippedMounts;
    private long failures;
    private String firstFailure;

    Tally(List<Path> mounts) {
      this.mounts = mounts;
    }

    boolean holdsMount(Path dir) {
      return mounts.stream().anyMatch(point -> point.startsWith(dir));
    }

    void skippedMount() {
      skippedMounts++;
    }

    void failed(Exception e) {
      if (failures++ == 0) {
        firstFailure = reason(e);
      }
    }

    void report(Path top) {
      if (skippedMounts > 0) {
        log.error(
            "not deleting {} director(ies) in {}: another filesystem is mounted there",
            skippedMounts,
            top);
      }
      if (failures > 0) {
        log.warn("cannot delete {} entr(ies) in {}, first: {}", failures, top, firstFailure);
      }
    }
  }

  private static final class Deleter extends SimpleFileVisitor<Path> {
    private final Object device;
    private final Path spill;
    private final Tally tally;
    private long spilled;

    Deleter(Object device, Path spill, Tally tally) {
      this.device = device;
      this.spill = spill;
      this.tally = tally;
    }

    @Override
    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
      return onThisFilesystem(dir) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
    }

    @Override
    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
      // Not followed, links arrive here as links; so do the directories at the depth limit.
      if (attrs.isDirectory()) {
        if (onThisFilesystem(file) && !tally.holdsMount(file)) {
          spillQuietly(file);
        }
      } else {
        deleteQuietly(file);
      }
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult visitFileFailed(Path file, IOException e) {
      // A directory that cannot be opened can still go if it is empty.
      deleteQuietly(file);
      return FileVisitResult.CONTINUE;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, IOException e) {
      deleteQuietly(dir);
      return FileVisitResult.CONTINUE;
    }

    /** Whether {@code dir} is on the device the delete started on; counts it when not. */
    private boolean onThisFilesystem(Path dir) {
      try {
        if (device.equals(Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS))) {
          return true;
        }
        tally.skippedMount();
      } catch (IOException e) {
        tally.failed(e);
      }
      return false;
    }

    /** One atomic rename: never a copy, so never across filesystems. */
    private void spillQuietly(Path dir) {
      try {
        if (spilled == 0) {
          Files.createDirectory(spill);
        }
        Files.move(dir, spill.resolve(Long.toString(++spilled)), StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        tally.failed(e);
      }
    }

    private void deleteQuietly(Path path) {
      try {
        Files.deleteIfExists(path);
      } catch (NoSuchFileException e) {
        // Already gone: what deleting wants.
      } catch (IOException e) {
        tally.failed(e);
      }
    }
  }
}
