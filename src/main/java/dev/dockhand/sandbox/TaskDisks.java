package dev.dockhand.sandbox;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes each task attempt's {@link TaskDisk} under one node's {@code root}: {@code
 * <root>/<name>/disk.img}, a sparse ext4 image of {@link DiskSettings#imageBytes()} with {@link
 * DiskSettings#files()} inodes, mounted (loop device, nosuid, nodev) at {@code <root>/<name>/fs}.
 * The kernel enforces both limits, so a fast writer cannot outrun them. With an unbounded disk the
 * same layout is made of plain directories. Needs root and loop devices when bounded; {@link
 * #verify()} says so at start. Thread-safe.
 */
public final class TaskDisks {
  static final String FS_DIR = "fs";
  static final String IMAGE = "disk.img";
  private static final Logger log = LoggerFactory.getLogger(TaskDisks.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** Kept free on the data disk for the host itself: its database, logs and git objects. */
  private static final long MARGIN_BYTES = 1L << 30;

  private final Path root;
  private final DiskSettings settings;
  private final Map<String, TaskDisk> open = new ConcurrentHashMap<>();

  public TaskDisks(Path root, DiskSettings settings) {
    this.root = root.toAbsolutePath().normalize();
    this.settings = settings;
  }

  public Path root() {
    return root;
  }

  public DiskSettings settings() {
    return settings;
  }

  /**
   * Makes, formats and mounts the disk for one attempt. A directory of that name left by an earlier
   * run is cleared first.
   *
   * @param name unique among open disks; letters, digits, '.', '_', '-'
   * @throws SandboxException when a step fails; the message names it and what to do
   * @throws IllegalStateException when a disk of that name is open
   * @throws IllegalArgumentException when the name is not of that form
   */
  public TaskDisk create(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("task disk name must match " + NAME + ", got " + name);
    }
    return make(name);
  }

  /** Makes and releases one disk, so a host that cannot make them says so at start. */
  public void verify() {
    make(".probe-" + ProcessHandle.current().pid()).close();
  }

  private TaskDisk make(String name) {
    Path dir = root.resolve(name);
    Optional<Path> image = settings.bounded() ? Optional.of(dir.resolve(IMAGE)) : Optional.empty();
    TaskDisk disk = new TaskDisk(name, dir, image, settings.imageBytes(), () -> open.remove(name));
    if (open.putIfAbsent(name, disk) != null) {
      throw new IllegalStateException("task disk " + name + " is already open");
    }
    try {
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        clear(dir);
      }
      Files.createDirectories(root);
      Files.createDirectory(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path fs = Files.createDirectory(dir.resolve(FS_DIR));
      if (image.isPresent()) {
        TaskDiskImage.format(image.get(), settings);
        TaskDiskImage.mount(image.get(), fs);
      }
      layOut(disk);
      return disk;
    } catch (IOException | RuntimeException e) {
      disk.close();
      if (e instanceof SandboxException failure) {
        throw failure;
      }
      throw new SandboxException(
          "cannot make task disk at " + dir + " (" + SandboxException.rootMessage(e) + ")",
          false,
          e);
    }
  }

  private static void layOut(TaskDisk disk) throws IOException {
    for (Path area :
        new Path[] {disk.workspace(), disk.tmp(), disk.home(), disk.repo(), disk.scratch()}) {
      Files.createDirectory(area);
    }
    Files.setAttribute(disk.tmp(), "unix:mode", 01777, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(disk.repo(), "unix:mode", 0700, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(disk.scratch(), "unix:mode", 0700, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Releases what an earlier run of this node left under root (after a crash or kill -9): unmounts
   * every mount below it, detaches loop devices still bound to its images, and deletes the images
   * and directories. Open disks of this instance are left alone. Call at node start, after the
   * node's old containers are removed (so nothing holds the mounts). Returns how many task
   * directories were removed. Never throws.
   */
  public int clearLeftovers() {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    int cleared = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        if (!open.containsKey(entry.getFileName().toString())) {
          clearQuietly(entry);
          cleared++;
        }
      }
    } catch (IOException | RuntimeException e) {
      log.error("cannot clear task disks left under {}: {}", root, e.toString());
    }
    if (cleared > 0) {
      log.info("cleared {} task disk(s) left under {}", cleared, root);
    }
    return cleared;
  }

  private static void clearQuietly(Path dir) {
    try {
      clear(dir);
    } catch (IOException | RuntimeException e) {
      log.error("cannot clear task disk left at {}: {}", dir, e.toString());
    }
  }

  /** Unmounts what is mounted below {@code dir}, detaches its image, deletes it all. */
  private static void clear(Path dir) throws IOException {
    Path real = dir.toRealPath(LinkOption.NOFOLLOW_LINKS);
    for (Path point : TaskDiskMounts.below(real)) {
      TaskDiskMounts.unmount(point);
    }
    Path image = dir.resolve(IMAGE);
    if (Files.isRegularFile(image, LinkOption.NOFOLLOW_LINKS)) {
      TaskDiskLoops.detach(image);
    }
    TaskDiskTrees.delete(dir);
  }

  /** Whether the data disk can take one more task, and a sentence saying why. */
  public TaskDiskRoom room() {
    long promised = 0;
    for (TaskDisk disk : open.values()) {
      promised += disk.unusedBytes();
    }
    long free;
    try {
      Files.createDirectories(root);
      free = Files.getFileStore(root).getUsableSpace();
    } catch (IOException e) {
      log.warn("cannot read free space of {}: {}", root, e.toString());
      free = 0;
    }
    return new TaskDiskRoom(root, free, promised, open.size(), settings.imageBytes(), MARGIN_BYTES);
  }
}
