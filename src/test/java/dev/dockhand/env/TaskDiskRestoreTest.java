package dev.dockhand.env;

import static dev.dockhand.env.CacheFixture.TRACKED;
import static dev.dockhand.env.CacheFixture.UID;
import static dev.dockhand.env.CacheFixture.asSandboxUser;
import static dev.dockhand.env.CacheFixture.key;
import static dev.dockhand.env.CacheFixture.mountsBelow;
import static dev.dockhand.env.CacheFixture.run;
import static dev.dockhand.env.CacheFixture.tree;
import static dev.dockhand.env.CacheFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.env.CacheFixture.Task;
import dev.dockhand.queue.ManualClock;
import dev.dockhand.sandbox.DiskSettings;
import dev.dockhand.sandbox.TaskDisk;
import dev.dockhand.sandbox.TaskDisks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restored environment on a real, bounded task disk (ext4 on a loop device): the sandbox user is
 * given it without a copy, the task's writes stay within its own limit, and neither a forgotten
 * close nor a node killed with the overlay mounted keeps the disk from being released.
 */
class TaskDiskRestoreTest {
  private static final long MB = 1024 * 1024;

  @TempDir Path temp;
  private Path root;
  private EnvironmentCache cache;
  private final EnvKey key = key("npm ci");

  @BeforeEach
  void saveOneEnvironment() throws Exception {
    // A space, as in TaskDisksTest: the kernel's mount list escapes it.
    root = temp.resolve("task disks");
    cache = CacheFixture.cache(temp.resolve("data"), 100, new ManualClock(), true);
    Task setUp = CacheFixture.setUp(temp.resolve("setup"), 3);
    assertThat(cache.save(key, setUp.workspace(), setUp.home(), TRACKED, UID, UID)).isPresent();
  }

  @AfterEach
  void clearDisks() {
    new TaskDisks(root, bounded()).clearLeftovers();
  }

  @Test
  void theSandboxUserIsGivenTheRestoredWorkspaceWithNothingCopiedAndItsWritesStayBounded()
      throws Exception {
    try (TaskDisk disk = new TaskDisks(root, bounded()).create("given");
        Restored restored = restore(disk)) {
      disk.giveTo(UID, UID);

      assertThat(tree(scratch(disk).resolve("workspace/upper")))
          .containsExactly(".git", ".git/HEAD");
      assertThat(disk.workspace().resolve("node_modules/dep1/index.js")).hasContent("module 1");
      CacheFixture.Run dd =
          asSandboxUser(disk.workspace(), "dd if=/dev/zero of=big bs=1M count=100 2>&1");
      assertThat(dd.output()).contains("No space left on device");
    }
  }

  @Test
  void releasingTheDiskWithTheEnvironmentStillMountedReleasesItAll() throws Exception {
    TaskDisk disk = new TaskDisks(root, bounded()).create("forgotten");
    Restored restored = restore(disk);

    disk.close();

    assertThat(mountsBelow(temp)).isEmpty();
    assertThat(root.resolve("forgotten")).doesNotExist();
    restored.close();
  }

  @Test
  void aNodeKilledWithARestoredEnvironmentMountedLeavesNothingAtTheNextStart() throws Exception {
    TaskDisk disk = new TaskDisks(root, bounded()).create("killed");
    restore(disk);
    assertThat(mountsBelow(root)).hasSize(3);

    int cleared = new TaskDisks(root, bounded()).clearLeftovers();

    assertThat(cleared).isEqualTo(1);
    assertThat(mountsBelow(temp)).isEmpty();
    assertThat(run("losetup", "-a").output()).doesNotContain(root.toString());
    try (Stream<Path> left = Files.list(root)) {
      assertThat(left).isEmpty();
    }
    EnvironmentCache restarted =
        CacheFixture.cache(temp.resolve("data"), 100, new ManualClock(), true);
    assertThat(restarted.entries()).as("the entry itself is intact").isEqualTo(1);
  }

  private Restored restore(TaskDisk disk) throws Exception {
    write(disk.workspace().resolve(".git/HEAD"), "the host's clone");
    return cache.restore(key, disk.workspace(), disk.home(), scratch(disk)).orElseThrow();
  }

  /** Beside the workspace on the task's disk, out of the container's sight. */
  private static Path scratch(TaskDisk disk) {
    return disk.workspace().resolveSibling("env");
  }

  private static DiskSettings bounded() {
    return new DiskSettings(64 * MB, 2000);
  }
}
