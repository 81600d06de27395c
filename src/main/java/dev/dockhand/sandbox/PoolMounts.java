package dev.dockhand.sandbox;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host side of a {@link WarmPool}: one directory per slot, {@code
 * <root>/<incarnation>/<slot>/{work,tmp,home,egress.sock}}, bound into the slot's container with
 * slave propagation, under a root that is its own shared mount. A mount the host later makes on a
 * slot's directory therefore appears in that container alone (propagation reaches only the binds of
 * that path), and the container can send nothing back. Slot directories are root's and empty:
 * nothing in a container can write them before its hand-over, and they are deleted one by one,
 * never recursively, so a mount left on one can never lead a delete into a task's files. Needs root
 * (mount). Thread-safe: each slot is used by one caller at a time.
 */
final class PoolMounts {
  private static final Logger log = LoggerFactory.getLogger(PoolMounts.class);
  private static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(30);
  private static final List<String> AREAS = List.of("work", "tmp", "home");
  private static final String SOCKET = "egress.sock";
  private static final String PROBE = ".dockhand-pool-probe";

  private final Path root;
  private final Path mine;
  private volatile boolean opened;

  /** Touches nothing yet: {@link #open()} makes the mounts, {@link #clearDead} only cleans. */
  PoolMounts(Path root, String incarnation) {
    this.root = root.toAbsolutePath().normalize();
    this.mine = this.root.resolve(incarnation);
  }

  /**
   * Makes the root a shared mount (once: a dead run may have left it so) with a directory for this
   * run. Throws {@link SandboxException} when the host refuses (not root, no mount tool).
   */
  void open() {
    try {
      Files.createDirectories(root);
      if (!TaskDiskMounts.isMounted(root.toRealPath())) {
        mount("--bind", root.toString(), root.toString());
      }
      mount("--make-shared", root.toString());
      Files.createDirectory(mine);
      opened = true;
    } catch (IOException | RuntimeException e) {
      throw new SandboxException(
          "cannot make " + root + " a shared mount (" + SandboxException.rootMessage(e) + ")",
          false,
          e);
    }
  }

  /** A new slot's empty directories: its container's /workspace, /tmp, home and egress socket. */
  TaskFiles createSlot(String slot, boolean egress) throws IOException {
    Path dir = Files.createDirectory(mine.resolve(slot));
    for (String area : AREAS) {
      Files.createDirectory(dir.resolve(area));
    }
    Optional<Path> socket =
        egress ? Optional.of(Files.createFile(dir.resolve(SOCKET))) : Optional.empty();
    return new TaskFiles(
        dir.resolve("work"),
        Optional.of(dir.resolve("tmp")),
        Optional.of(dir.resolve("home")),
        socket);
  }

  /**
   * Whether a mount made on the slot now reaches {@code container}: the slot's /tmp, holding a
   * marker, is bound on its /workspace for a moment. Not under every runtime (gVisor serves binds
   * from what it opened at start).
   */
  boolean propagates(String slot, SandboxContainer container) throws IOException {
    Path dir = mine.resolve(slot);
    Path marker = Files.createFile(dir.resolve("tmp").resolve(PROBE));
    try {
      mount("--bind", dir.resolve("tmp").toString(), dir.resolve("work").toString());
      ExecResult seen =
          container.exec(
              ExecRequest.of(
                  Duration.ofSeconds(20), "test", "-e", ContainerSpec.WORKSPACE + "/" + PROBE));
      return seen.exitCode() == 0;
    } finally {
      unmountBelow(dir);
      Files.deleteIfExists(marker);
    }
  }

  /**
   * Binds the attempt's own directories (and egress socket) on the slot's, with what is mounted in
   * them (a restored environment's overlay), as the engine binds a fresh container's.
   */
  void bind(TaskFiles task, TaskFiles slotFiles) throws IOException {
    mount("--rbind", real(task.workspace()), slotFiles.workspace().toString());
    mount("--rbind", real(task.tmp().orElseThrow()), slotFiles.tmp().orElseThrow().toString());
    mount("--rbind", real(task.home().orElseThrow()), slotFiles.home().orElseThrow().toString());
    if (slotFiles.egressSocket().isPresent()) {
      mount(
          "--bind",
          real(task.egressSocket().orElseThrow()),
          slotFiles.egressSocket().get().toString());
    }
  }

  /**
   * Unmounts what is mounted on the slot (its container gone, so nothing holds it) and deletes its
   * directories. Never throws.
   */
  void release(String slot) {
    deleteSlot(mine.resolve(slot));
  }

  /**
   * Releases the slots of earlier runs that are dead (what a killed server left; the reaper removes
   * their containers first), and the root's mount when this run has not opened it. Never throws.
   */
  void clearDead(Predicate<String> incarnationIsLive) {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> runs = Files.newDirectoryStream(root)) {
      for (Path run : runs) {
        String incarnation = run.getFileName().toString();
        if (!run.equals(mine) && !incarnationIsLive.test(incarnation)) {
          clearRun(run);
        }
      }
    } catch (IOException | RuntimeException e) {
      log.error("cannot clear warm pool slots left under {}: {}", root, e.toString());
    }
    if (!opened) {
      unmountRootIfBare();
    }
  }

  private static void clearRun(Path run) throws IOException {
    int slots = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(run)) {
      for (Path slot : entries) {
        deleteSlot(slot);
        slots++;
      }
    }
    deleteEmpty(run);
    log.info("released {} warm pool slot(s) of a dead run under {}", slots, run);
  }

  /** After this run's slots are released: its directory, then the root's mount if bare. */
  void close() {
    if (opened) {
      opened = false;
      deleteEmpty(mine);
      unmountRootIfBare();
    }
  }

  private void unmountRootIfBare() {
    try {
      Path real = root.toRealPath();
      if (TaskDiskMounts.isMounted(real) && TaskDiskMounts.below(real).isEmpty()) {
        TaskDiskMounts.unmount(real);
      }
    } catch (IOException | RuntimeException e) {
      log.error("cannot release the warm pool's mount {}: {}", root, e.toString());
    }
  }

  private static void deleteSlot(Path slot) {
    try {
      unmountBelow(slot);
      for (String area : AREAS) {
        deleteEmpty(slot.resolve(area));
      }
      Files.deleteIfExists(slot.resolve(SOCKET));
      deleteEmpty(slot);
    } catch (IOException | RuntimeException e) {
      log.error("cannot release warm pool slot {}: {}", slot, e.toString());
    }
  }

  private static void unmountBelow(Path dir) throws IOException {
    for (Path point : TaskDiskMounts.below(dir.toRealPath(LinkOption.NOFOLLOW_LINKS))) {
      TaskDiskMounts.unmount(point);
    }
  }

  /** Only an empty directory is deleted: whatever is left in one stays for the operator. */
  private static void deleteEmpty(Path dir) {
    try {
      Files.deleteIfExists(dir);
    } catch (DirectoryNotEmptyException e) {
      log.error("warm pool directory {} is not empty; left in place", dir);
    } catch (IOException e) {
      log.error("cannot delete warm pool directory {}: {}", dir, e.toString());
    }
  }

  /** The real path, so a mount never follows a link the kernel would resolve differently. */
  private static String real(Path path) throws IOException {
    return path.toRealPath().toString();
  }

  private static void mount(String... args) throws IOException {
    TaskDiskCommands.Outcome outcome;
    try {
      outcome = TaskDiskCommands.run(MOUNT_TIMEOUT, "mount", args);
    } catch (TimeoutException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (!outcome.ok()) {
      throw new IOException("mount " + String.join(" ", args) + ": " + outcome.output());
    }
  }
}
