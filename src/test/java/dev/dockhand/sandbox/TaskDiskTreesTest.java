package dev.dockhand.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container wrote the task directory: deleting it must neither follow its links nor hold it all
 * nor empty a mount in it, and must reach any depth. The mount test mounts tmpfs, so it needs root,
 * as the server does.
 */
class TaskDiskTreesTest {
  @TempDir Path temp;
  @TempDir Path outside;
  private Path disks;
  private final List<Path> mounted = new ArrayList<>();

  @BeforeEach
  void aFolderOfTaskDirectories() throws IOException {
    disks = Files.createDirectory(temp.resolve("disks"));
  }

  @AfterEach
  void unmount() throws Exception {
    for (Path point : mounted.reversed()) {
      run("umount", point.toString());
    }
  }

  @Test
  void linksAreDeletedButNothingTheyPointTo() throws IOException {
    Files.writeString(outside.resolve("precious.txt"), "keep me");
    Files.createDirectories(outside.resolve("dir/sub"));
    Files.writeString(outside.resolve("dir/sub/also.txt"), "keep me too");
    Path top = Files.createDirectory(disks.resolve("task-1"));
    Files.createDirectories(top.resolve("src/deep"));
    Files.writeString(top.resolve("src/deep/main.c"), "int main;");
    Files.createSymbolicLink(top.resolve("to-dir"), outside.resolve("dir"));
    Files.createSymbolicLink(top.resolve("src/deep/to-file"), outside.resolve("precious.txt"));
    Files.createSymbolicLink(top.resolve("src/to-root"), Path.of("/"));
    Files.createSymbolicLink(top.resolve("dangling"), outside.resolve("nothing-here"));
    Files.createSymbolicLink(top.resolve("loop"), top.resolve("loop"));

    assertThat(TaskDiskTrees.delete(top)).isTrue();

    assertThat(Files.exists(top, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(outside.resolve("precious.txt")).hasContent("keep me");
    assertThat(outside.resolve("dir/sub/also.txt")).hasContent("keep me too");
    assertThat(Path.of("/etc/hostname")).exists();
    assertThat(disks).isEmptyDirectory();
  }

  @Test
  void aTopThatIsItselfALinkIsUnlinkedAndItsTargetKept() throws IOException {
    Files.writeString(outside.resolve("precious.txt"), "keep me");
    Path link = Files.createSymbolicLink(disks.resolve("task-1"), outside);

    assertThat(TaskDiskTrees.delete(link)).isTrue();

    assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(outside.resolve("precious.txt")).hasContent("keep me");
  }

  @Test
  void aTopThatIsNotThereIsAlreadyDeleted() {
    assertThat(TaskDiskTrees.delete(disks.resolve("never-made"))).isTrue();
  }

  /**
   * 3,000 directories one inside the other: their full path (6,000 bytes) is longer than the system
   * lets a path be, so a delete that names each by its full path can never reach the bottom.
   */
  @Test
  void aTreeNestedDeeperThanAPathMayBeLongIsDeletedWhole() throws IOException {
    Path top = Files.createDirectory(disks.resolve("deep"));
    // Built from the bottom up, each step a rename near the top, so no path here grows long.
    Path chain = Files.createDirectory(top.resolve("a"));
    Files.writeString(chain.resolve("leaf.txt"), "at the bottom");
    Files.createSymbolicLink(chain.resolve("up"), outside);
    Files.writeString(outside.resolve("precious.txt"), "keep me");
    for (int depth = 1; depth < 3000; depth++) {
      Path next = Files.createDirectory(top.resolve("next"));
      Files.move(chain, next.resolve("a"));
      chain = Files.move(next, top.resolve("a"));
    }

    assertThat(TaskDiskTrees.delete(top)).isTrue();

    assertThat(top).doesNotExist();
    assertThat(disks).as("no spill left beside it either").isEmptyDirectory();
    assertThat(outside.resolve("precious.txt")).hasContent("keep me");
  }

  /**
   * 200,000 files, deleted by a JVM whose 16 MB heap cannot hold their paths (sorting them all, as
   * a delete by {@code Files.walk(...).sorted()} does, runs out of memory there).
   */
  @Test
  void aTreeOf200000FilesIsDeletedByAProcessThatCannotHoldTheirPaths() throws Exception {
    Path top = Files.createDirectory(disks.resolve("big"));
    long start = System.nanoTime();
    for (int d = 0; d < 200; d++) {
      Path dir = Files.createDirectory(top.resolve("module-" + d));
      for (int f = 0; f < 1000; f++) {
        Files.createFile(dir.resolve("generated-source-file-" + f + ".txt"));
      }
    }
    long made = (System.nanoTime() - start) / 1_000_000;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-Xmx16m",
                "-cp",
                System.getProperty("java.class.path"),
                TaskDiskTreesDeleteMain.class.getName(),
                top.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();

    assertThat(child.exitValue()).as(output).isZero();
    assertThat(top).doesNotExist();
    System.out.println("200,000 files: made in " + made + " ms, " + output.strip());
  }

  /**
   * Mounts at three depths: inside the first pass, exactly at its depth limit (where a directory
   * would be moved to a spill), and below it (where an ancestor would be). All stay where they are
   * with what is in them. Beside the first two everything goes; the directory at the depth limit
   * above the third is kept whole rather than moved, so what is beside the third stays too.
   */
  @Test
  void aMountInsideTheTreeIsLeftInPlaceAndUntouched() throws Exception {
    Path top = Files.createDirectory(disks.resolve("task-1"));
    Files.writeString(Files.createDirectories(top.resolve("work")).resolve("a.txt"), "gone");
    List<Path> points =
        List.of(
            top.resolve("near/mnt"),
            top.resolve("1/2/3/4/5/6/7/mnt"),
            top.resolve("1/2/3/4/5/6/7/8/9/10/11/mnt"));
    for (Path point : points) {
      Files.createDirectories(point);
      Files.writeString(point.getParent().resolve("beside.txt"), "gone too");
      mount(point);
      Files.writeString(point.resolve("inside.txt"), "keep me");
    }

    assertThat(TaskDiskTrees.delete(top)).isFalse();

    for (Path point : points) {
      assertThat(TaskDiskMounts.isMounted(point)).as(point.toString()).isTrue();
      assertThat(point.resolve("inside.txt")).hasContent("keep me");
    }
    assertThat(points.get(0).resolveSibling("beside.txt")).doesNotExist();
    assertThat(points.get(1).resolveSibling("beside.txt")).doesNotExist();
    assertThat(points.get(2).resolveSibling("beside.txt")).hasContent("gone too");
    assertThat(top.resolve("work")).doesNotExist();
    try (Stream<Path> left = Files.list(disks)) {
      assertThat(left).as("no spill beside the top").containsExactly(top);
    }
  }

  private void mount(Path point) throws Exception {
    run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", point.toString());
    mounted.add(point);
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
  }
}
