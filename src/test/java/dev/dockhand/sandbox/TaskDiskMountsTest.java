package dev.dockhand.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class TaskDiskMountsTest {
  @Test
  void mountPointsWithSpacesTabsAndBackslashesAreReadAsTheKernelEscapedThem() {
    Stream<String> lines =
        Stream.of(
            "36 35 98:0 / /mnt/task\\040disks/a/fs rw,noatime shared:1 - ext4 /dev/loop0 rw",
            "37 35 98:0 / /mnt/tab\\011and\\134slash rw - ext4 /dev/loop1 rw");

    assertThat(TaskDiskMounts.mountPoints(lines))
        .containsExactly(Path.of("/mnt/task disks/a/fs"), Path.of("/mnt/tab\tand\\slash"));
  }

  @Test
  void utf8NamesAreDecodedWhetherTheKernelEscapedTheirBytesOrNot() {
    assertThat(TaskDiskMounts.unescape("/mnt/caf\\303\\251")).isEqualTo("/mnt/café");
    // Unescaped bytes arrive one char each, since the file is read as Latin-1.
    assertThat(TaskDiskMounts.unescape("/mnt/caf\u00c3\u00a9")).isEqualTo("/mnt/café");
  }

  @Test
  void aBackslashNotFollowedByThreeOctalDigitsIsKeptAsItIs() {
    assertThat(TaskDiskMounts.unescape("/a\\9b\\04")).isEqualTo("/a\\9b\\04");
  }
}
