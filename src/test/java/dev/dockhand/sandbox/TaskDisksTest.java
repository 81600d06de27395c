package dev.dockhand.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real disks: these make ext4 images, mount them through loop devices and write to them as the
 * sandbox user, so they need root, e2fsprogs and util-linux (setpriv, losetup), as the server does.
 */
class TaskDisksTest {
  private static final long MB = 1024 * 1024;
  private static final int SANDBOX_UID = 1000;

  @TempDir Path temp;
  private Path root;
  private final List<TaskDisk> made = new ArrayList<>();

  @BeforeEach
  void rootWithASpace() {
    // A space in the path makes /proc/self/mountinfo escape it (\040).
    root = temp.resolve("task disks");
  }

  @AfterEach
  void release() {
    made.forEach(TaskDisk::close);
    new TaskDisks(root, small()).clearLeftovers();
  }

  @Test
  void anAgentWritingPastTheLimitMeetsNoSpaceLeftAndTheHostLosesOnlyAboutTheLimit()
      throws Exception {
    TaskDisk disk = create(new TaskDisks(root, small()), "fill");

    Run dd = asSandboxUser(disk.workspace(), "dd", "if=/dev/zero", "of=big", "bs=1M", "count=200");

    assertThat(dd.exitCode()).isNotZero();
    assertThat(dd.output()).contains("No space left on device");
    long written = Files.size(disk.workspace().resolve("big"));
    assertThat(written).as("the agent gets about its whole limit").isBetween(62 * MB, 68 * MB);
    assertThat(allocatedBytes(root.resolve("fill").resolve(TaskDisks.IMAGE)))
        .as("what the image takes of the data disk")
        .isLessThanOrEqualTo(64 * MB + small().reserveBytes() + 4 * MB);
  }

  @Test
  void theAgentGetsAboutItsWholeLimitHoweverManyFilesItMayHave() throws Exception {
    for (long files : new long[] {1000, 64 * MB / 64}) {
      TaskDisk disk = create(new TaskDisks(root, new DiskSettings(64 * MB, files)), "f" + files);

      assertThat(Files.getFileStore(disk.workspace()).getUsableSpace())
          .as("space for non-root with %d files", files)
          .isBetween(63 * MB, 68 * MB);
    }
  }

  @Test
  void rootCanStillCommitIntoTheReserveAfterTheAgentFilledTheDisk() throws Exception {
    TaskDisk disk = create(new TaskDisks(root, small()), "reserve");
    asSandboxUser(disk.workspace(), "dd", "if=/dev/zero", "of=big", "bs=1M", "count=200");
    assertThat(
            asSandboxUser(disk.home(), "dd", "if=/dev/zero", "of=more", "bs=1M", "count=1")
                .output())
        .contains("No space left on device");

    Path commit = disk.repo().resolve("pack");
    Files.write(commit, new byte[8 * (int) MB]);

    assertThat(Files.size(commit)).isEqualTo(8 * MB);
  }

  @Test
  void aLoopCreatingFilesStopsAtTheFileCountWithNoSpaceLeft() throws Exception {
    TaskDisk disk = create(new TaskDisks(root, new DiskSettings(64 * MB, 1000)), "files");

    int createdBeforeFailure = 0;
    FileSystemException stopped = null;
    while (stopped == null && createdBeforeFailure < 100_000) {
      try {
        Files.createFile(disk.workspace().resolve("f" + createdBeforeFailure));
        createdBeforeFailure++;
      } catch (FileSystemException e) {
        stopped = e;
      }
    }

    assertThat(stopped).isNotNull();
    assertThat(stopped.getReason()).isEqualTo("No space left on device");
    assertThat(createdBeforeFailure).isBetween(900, 1100);
  }

  @Test
  void oneFullDiskDoesNotStopAnotherTaskFromWriting() throws Exception {
    TaskDisks disks = new TaskDisks(root, small());
    TaskDisk full = create(disks, "full");
    TaskDisk other = create(disks, "other");
    asSandboxUser(full.workspace(), "dd", "if=/dev/zero", "of=big", "bs=1M", "count=200");

    Run write = asSandboxUser(other.tmp(), "dd", "if=/dev/zero", "of=f", "bs=1M", "count=16");

    assertThat(write.exitCode()).as(write.output()).isZero();
    assertThat(Files.size(other.tmp().resolve("f"))).isEqualTo(16 * MB);
  }

  @Test
  void disksMadeAtTheSameTimeAreEachTheirOwnFilesystem() throws Exception {
    TaskDisks disks = new TaskDisks(root, small());
    List<CompletableFuture<TaskDisk>> making = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
      for (int i = 0; i < 8; i++) {
        String name = "parallel-" + i;
        making.add(CompletableFuture.supplyAsync(() -> create(disks, name), threads));
      }
    }

    Set<Object> devices = new HashSet<>();
    for (CompletableFuture<TaskDisk> disk : making) {
      devices.add(Files.getAttribute(disk.get().workspace(), "unix:dev"));
    }
    assertThat(devices).hasSize(8);
    assertThat(mountsBelow(root)).hasSize(8);
  }

  @Test
  void theSandboxUserOwnsWorkspaceAndHomeWhileTmpIsStickyAndTheCloneStaysRoots() throws Exception {
    TaskDisk disk = create(new TaskDisks(root, small()), "layout");

    assertThat(uid(disk.workspace())).isEqualTo(SANDBOX_UID);
    assertThat(uid(disk.home())).isEqualTo(SANDBOX_UID);
    assertThat(uid(disk.tmp())).isZero();
    assertThat(mode(disk.tmp())).isEqualTo(01777);
    assertThat(uid(disk.repo())).isZero();
    assertThat(asSandboxUser(disk.repo(), "touch", "x").exitCode()).isNotZero();
    assertThat(disk.files().tmp()).contains(disk.tmp());
  }

  @Test
  void closingUnmountsAndDeletesTheImageAndTheDirectoryAndMayBeRepeated() throws Exception {
    TaskDisk disk = create(new TaskDisks(root, small()), "closing");
    Path dir = root.resolve("closing");
    assertThat(mountsBelow(dir)).hasSize(1);

    disk.close();
    disk.close();

    assertThat(mountsBelow(dir)).isEmpty();
    assertThat(dir).doesNotExist();
    assertThat(loopDevicesNaming(dir)).isEmpty();
  }

  @Test
  void aBusyDiskIsDetachedLazilyOnClose() throws Exception {
    TaskDisk disk = create(new TaskDisks(root, small()), "busy");
    Path dir = root.resolve("busy");
    Process holder =
        new ProcessBuilder("sleep", "600").directory(disk.workspace().toFile()).start();
    try {
      disk.close();

      assertThat(mountsBelow(dir)).isEmpty();
      assertThat(dir).doesNotExist();
    } finally {
      holder.destroyForcibly().waitFor();
    }
  }

  @Test
  void leftoversOfACrashedNodeAreUnmountedAndRemovedAtTheNextStart() throws Exception {
    // A node that died without closing its disks: the kernel keeps the mounts.
    new TaskDisks(root, small()).create("crashed-1");
    new TaskDisks(root, small()).create("crashed-2");
    assertThat(mountsBelow(root)).hasSize(2);

    int cleared = new TaskDisks(root, small()).clearLeftovers();

    assertThat(cleared).isEqualTo(2);
    assertThat(mountsBelow(root)).isEmpty();
    assertThat(loopDevicesNaming(root)).isEmpty();
    try (Stream<Path> left = Files.list(root)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aLoopDeviceLeftBoundByACrashBeforeMountingIsFreedAtTheNextStart() throws Exception {
    Path image = Files.createDirectories(root.resolve("half-made")).resolve(TaskDisks.IMAGE);
    Files.write(image, new byte[(int) MB]);
    Run bound = run(List.of("losetup", "--find", "--show", image.toString()));
    assertThat(bound.exitCode()).as(bound.output()).isZero();
    assertThat(loopDevicesNaming(root)).hasSize(1);

    new TaskDisks(root, small()).clearLeftovers();

    assertThat(loopDevicesNaming(root)).isEmpty();
    assertThat(root.resolve("half-made")).doesNotExist();
  }

  @Test
  void clearingLeftoversLeavesOpenDisksAndWhatLinksPointAtAlone() throws Exception {
    TaskDisks disks = new TaskDisks(root, unbounded());
    TaskDisk running = create(disks, "running");
    Path outside = Files.createDirectories(temp.resolve("outside"));
    Files.writeString(outside.resolve("keep"), "host file");
    TaskDisk dead = new TaskDisks(root, unbounded()).create("dead");
    Files.createSymbolicLink(dead.workspace().resolve("escape"), outside);
    Files.createSymbolicLink(dead.tmp().resolve("file-escape"), outside.resolve("keep"));

    disks.clearLeftovers();

    assertThat(root.resolve("dead")).doesNotExist();
    assertThat(outside.resolve("keep")).hasContent("host file");
    assertThat(running.workspace()).exists();
  }

  @Test
  void aNameLeftByAnEarlierRunIsClearedWhenMadeAgain() throws Exception {
    new TaskDisks(root, small()).create("again");
    TaskDisks disks = new TaskDisks(root, small());

    TaskDisk disk = create(disks, "again");

    assertThat(mountsBelow(root)).hasSize(1);
    try (Stream<Path> entries = Files.list(disk.workspace())) {
      assertThat(entries).isEmpty();
    }
  }

  @Test
  void aNameAlreadyOpenOrOneThatWouldLeaveTheRootIsRefused() {
    TaskDisks disks = new TaskDisks(root, unbounded());
    create(disks, "taken");

    assertThatThrownBy(() -> disks.create("taken")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> disks.create("../up")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> disks.create(".")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anUnboundedDiskIsPlainDirectoriesWithTheSameLayout() throws Exception {
    TaskDisk disk = create(new TaskDisks(root, unbounded()), "plain");

    assertThat(disk.bounded()).isFalse();
    assertThat(mountsBelow(root)).isEmpty();
    assertThat(mode(disk.tmp())).isEqualTo(01777);
    assertThat(uid(disk.workspace())).isEqualTo(SANDBOX_UID);
    assertThat(asSandboxUser(disk.workspace(), "touch", "x").exitCode()).isZero();
    disk.close();
    assertThat(root.resolve("plain")).doesNotExist();
  }

  @Test
  void openDisksCountAgainstTheRoomForAnotherTask() {
    TaskDisks disks = new TaskDisks(root, small());
    assertThat(disks.room().promisedBytes()).isZero();

    TaskDisk disk = create(disks, "promised");

    assertThat(disks.room().promisedBytes()).isGreaterThan(60 * MB);
    assertThat(disks.room().enough()).isTrue();
    disk.close();
    assertThat(disks.room().promisedBytes()).isZero();
  }

  @Test
  void aTaskLargerThanTheFreeDiskIsNotTakenAndTheSentenceSaysWhy() {
    TaskDisks disks =
        new TaskDisks(root, new DiskSettings(DiskSettings.MAX_LIMIT_MB * MB, 500_000));

    assertThat(disks.room().enough()).isFalse();
    assertThat(disks.room().sentence())
        .contains("data disk at " + root)
        .contains("GB free")
        .endsWith("not taking work until space is freed");
  }

  @Test
  void verifyingMakesAndReleasesADiskLeavingNothing() throws Exception {
    new TaskDisks(root, small()).verify();

    assertThat(mountsBelow(root)).isEmpty();
    try (Stream<Path> left = Files.list(root)) {
      assertThat(left).isEmpty();
    }
  }

  private TaskDisk create(TaskDisks disks, String name) {
    TaskDisk disk = disks.create(name);
    synchronized (made) {
      made.add(disk);
    }
    disk.giveTo(SANDBOX_UID, SANDBOX_UID);
    return disk;
  }

  private static DiskSettings small() {
    return new DiskSettings(64 * MB, 2000);
  }

  private static DiskSettings unbounded() {
    return new DiskSettings(0, 2000);
  }

  record Run(int exitCode, String output) {}

  /**
   * Runs {@code command} as the sandbox user in {@code dir}, by relative names: task directories
   * are root's and closed to others on the host (a container sees only what is mounted).
   */
  private static Run asSandboxUser(Path dir, String... command) throws Exception {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "setpriv", "--reuid=" + SANDBOX_UID, "--regid=" + SANDBOX_UID, "--clear-groups"));
    argv.addAll(List.of(command));
    return run(argv, dir);
  }

  private static Run run(List<String> argv) throws Exception {
    return run(argv, Path.of("/"));
  }

  private static Run run(List<String> argv, Path dir) throws Exception {
    Process process =
        new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(process.waitFor(), output);
  }

  private static long allocatedBytes(Path file) throws Exception {
    String[] blocks =
        run(List.of("stat", "-c", "%b %B", file.toString())).output().trim().split(" ");
    return Long.parseLong(blocks[0]) * Long.parseLong(blocks[1]);
  }

  /** Mounts below {@code dir}, which may be gone: only the temporary directory is resolved. */
  private List<Path> mountsBelow(Path dir) throws IOException {
    return TaskDiskMounts.below(temp.toRealPath().resolve(temp.relativize(dir)));
  }

  private static List<String> loopDevicesNaming(Path dir) throws Exception {
    return run(List.of("losetup", "-a"))
        .output()
        .lines()
        .filter(line -> line.contains(dir.toString()))
        .toList();
  }

  private static int uid(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }

  private static int mode(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }
}
