package dev.dockhand.sandbox;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task attempt's filesystem, made by {@link TaskDisks#create}. Everything the task may write
 * lives on it: {@link #workspace()} (mounted at /workspace), {@link #tmp()} (at /tmp), {@link
 * #home()} (the sandbox user's home) and {@link #repo()}, the coordinator's own clone, which is
 * never mounted into the container but sits here so that it is bounded too. When the disk is
 * bounded the four are directories of an ext4 image of fixed size and inode count, so a writer of
 * any speed meets "No space left on device" at the limit; root (the coordinator) keeps a reserve
 * beyond it to commit after the agent has filled its share. Closing unmounts and deletes it all.
 * Thread-safe: {@link #close()} may race anything and runs once.
 */
public final class TaskDisk implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TaskDisk.class);

  private final String name;
  private final Path dir;
  private final Path fs;
  private final Optional<Path> image;
  private final long imageBytes;
  private final Runnable onClose;
  private final AtomicBoolean closed = new AtomicBoolean();

  TaskDisk(String name, Path dir, Optional<Path> image, long imageBytes, Runnable onClose) {
    this.name = name;
    this.dir = dir;
    this.fs = dir.resolve(TaskDisks.FS_DIR);
    this.image = image;
    this.imageBytes = imageBytes;
    this.onClose = onClose;
  }

  public String name() {
    return name;
  }

  /** Mounted at /workspace. */
  public Path workspace() {
    return fs.resolve("work");
  }

  /** Mounted at /tmp; mode 1777 like any /tmp. */
  public Path tmp() {
    return fs.resolve("tmp");
  }

  /** Mounted at the sandbox user's home. */
  public Path home() {
    return fs.resolve("home");
  }

  /**
   * The coordinator's scratch space on this disk: a restored environment's own layers (on the same
   * file system as the workspace, as an overlay needs). Host-only, never mounted into a container.
   */
  public Path scratch() {
    return fs.resolve("env");
  }

  /** The coordinator's clone: host-only, never mounted into a container. */
  public Path repo() {
    return fs.resolve("repo");
  }

  /** Whether this is a filesystem of bounded size (false: plain directories, unbounded). */
  public boolean bounded() {
    return image.isPresent();
  }

  /** What the container mounts of this disk: workspace, /tmp and home; no egress socket yet. */
  public TaskFiles files() {
    return new TaskFiles(workspace(), Optional.of(tmp()), Optional.of(home()), Optional.empty());
  }

  /**
   * Gives the workspace and home, and what is already in them, to the sandbox user, so the agent
   * can change them while nothing else on the host can; /tmp stays root's with mode 1777 and the
   * clone stays root's.
   *
   * @throws IllegalArgumentException when uid or gid is root's (0) or negative
   */
  public void giveTo(int uid, int gid) {
    if (uid <= 0 || gid <= 0) {
      throw new IllegalArgumentException(
          "the sandbox user must not be root, got " + uid + ":" + gid);
    }
    SandboxUser user = new SandboxUser(uid, gid);
    Workspaces.giveTo(workspace(), user);
    Workspaces.giveTo(home(), user);
  }

  /**
   * How much more of the data disk this disk may still take: what is free inside it once mounted,
   * its whole image while it is still being made (until then {@code fs} is a plain directory of the
   * data disk, whose free space says nothing about this disk). Zero when it is unbounded (nothing
   * can be promised) or closed.
   */
  long unusedBytes() {
    if (!bounded() || closed.get()) {
      return 0;
    }
    try {
      FileStore inside = Files.getFileStore(fs);
      if (inside.equals(Files.getFileStore(dir))) {
        return imageBytes;
      }
      return inside.getUnallocatedSpace();
    } catch (IOException e) {
      // Not made yet, or being torn down: promise the most it may take.
      return imageBytes;
    }
  }

  /** Unmounts (lazily when busy) and deletes the image and the directory. Never throws. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (bounded() && TaskDiskMounts.isMounted(fs)) {
        TaskDiskMounts.unmount(fs);
      }
      if (!TaskDiskTrees.delete(dir)) {
        log.error("task disk {} left behind at {}; it is removed at the next start", name, dir);
      }
    } catch (RuntimeException e) {
      log.error("cannot release task disk {} at {}: {}", name, dir, e.toString());
    } finally {
      onClose.run();
    }
  }

  @Override
  public String toString() {
    return "TaskDisk[" + name + " at " + dir + (bounded() ? ", bounded" : ", unbounded") + "]";
  }
}
