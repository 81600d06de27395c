package dev.dockhand.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.sandbox.DiskSettings;
import dev.dockhand.sandbox.TaskDisk;
import dev.dockhand.sandbox.TaskDiskRoom;
import dev.dockhand.sandbox.TaskDisks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate on a real data disk (the test's temp directory) while a task disk is made on it: root,
 * e2fsprogs and loop devices, as the server needs. Making a disk (mkfs, mount) takes a noticeable
 * moment, and a claim loop or a /readyz probe that looks during it must see a disk that may grow to
 * its image size, not one that may swallow the whole data disk.
 */
class DiskGateTest {
  private static final long MB = 1024 * 1024;
  @TempDir Path temp;
  private TaskDisks disks;

  @AfterEach
  void release() {
    disks.clearLeftovers();
  }

  @Test
  void whileATaskDiskIsBeingMadeTheGateKeepsAdmittingAndCountsAtMostItsImage() throws Exception {
    DiskSettings settings = new DiskSettings(64 * MB, 10_000);
    disks = new TaskDisks(temp.resolve("tasks"), settings);
    DiskGate gate = new DiskGate(disks);
    assertThat(disks.room().enough()).as("this test needs a data disk with room").isTrue();

    CompletableFuture<TaskDisk> making =
        CompletableFuture.supplyAsync(() -> disks.create("making"));
    List<TaskDiskRoom> seen = new ArrayList<>();
    List<Integer> admitted = new ArrayList<>();
    // Look as a claim loop would, as often as possible, until the disk is ready.
    while (!making.isDone()) {
      seen.add(disks.room());
      admitted.add(gate.admit(1));
    }
    try (TaskDisk disk = making.get(60, TimeUnit.SECONDS)) {
      seen.add(disks.room());
      admitted.add(gate.admit(1));
      assertThat(disk.bounded()).isTrue();
    }

    TaskDiskRoom worst =
        seen.stream().max(Comparator.comparingLong(TaskDiskRoom::promisedBytes)).orElseThrow();
    assertThat(worst.promisedBytes())
        .as(
            "what the disk being made may still take, at worst of %d looks: %s",
            seen.size(), worst.sentence())
        .isLessThanOrEqualTo(settings.imageBytes());
    assertThat(admitted.stream().distinct().toList())
        .as("what the gate admitted while a disk was being made")
        .containsExactly(1);
  }
}
