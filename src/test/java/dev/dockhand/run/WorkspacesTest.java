package dev.dockhand.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A container wrote the workspace: deleting it must neither follow its links nor hold it all. */
class WorkspacesTest {
  @TempDir Path dataDir;
  @TempDir Path outside;

  @Test
  void deletingAWorkspaceDeletesItsLinksButNothingTheyPointTo() throws IOException {
    Files.writeString(outside.resolve("precious.txt"), "keep me");
    Files.createDirectories(outside.resolve("dir/sub"));
    Files.writeString(outside.resolve("dir/sub/also.txt"), "keep me too");
    Workspaces workspaces = new Workspaces(dataDir, "node");
    Path workspace = workspaces.create("task", 1);
    Files.createDirectories(workspace.resolve("src/deep"));
    Files.writeString(workspace.resolve("src/deep/main.c"), "int main;");
    Files.createSymbolicLink(workspace.resolve("to-dir"), outside.resolve("dir"));
    Files.createSymbolicLink(
        workspace.resolve("src/deep/to-file"), outside.resolve("precious.txt"));
    Files.createSymbolicLink(workspace.resolve("src/to-root"), Path.of("/"));
    Files.createSymbolicLink(workspace.resolve("dangling"), outside.resolve("nothing-here"));
    Files.createSymbolicLink(workspace.resolve("loop"), workspace.resolve("loop"));

    workspaces.delete(workspace);

    assertThat(workspace).doesNotExist();
    assertThat(Files.exists(workspace, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(outside.resolve("precious.txt")).hasContent("keep me");
    assertThat(outside.resolve("dir/sub/also.txt")).hasContent("keep me too");
    assertThat(Path.of("/etc/hostname")).exists();
  }

  @Test
  void aWorkspaceThatIsItselfALinkIsUnlinkedAndItsTargetKept() throws IOException {
    Files.writeString(outside.resolve("precious.txt"), "keep me");
    Path link = Files.createDirectories(dataDir.resolve("workspaces/node")).resolve("task-1");
    Files.createSymbolicLink(link, outside);

    new Workspaces(dataDir, "node").delete(link);

    assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(outside.resolve("precious.txt")).hasContent("keep me");
  }

  /**
   * 3,000 directories one inside the other: their full path (6,000 bytes) is longer than the
   * system lets a path be, so a delete that names each by its full path can never reach the bottom.
   */
  @Test
  void aTreeNestedDeeperThanAPathMayBeLongIsDeletedWhole() throws IOException {
    Workspaces workspaces = new Workspaces(dataDir, "node");
    Path workspace = workspaces.create("deep", 1);
    // Built from the bottom up, each step a rename near the top, so no path here grows long.
    Path chain = Files.createDirectory(workspace.resolve("a"));
    Files.writeString(chain.resolve("leaf.txt"), "at the bottom");
    Files.createSymbolicLink(chain.resolve("up"), outside);
    Files.writeString(outside.resolve("precious.txt"), "keep me");
    for (int depth = 1; depth < 3000; depth++) {
      Path top = Files.createDirectory(workspace.resolve("next"));
      Files.move(chain, top.resolve("a"));
      chain = Files.move(top, workspace.resolve("a"));
    }

    workspaces.delete(workspace);

    assertThat(workspace).doesNotExist();
    try (var left = Files.list(workspace.getParent())) {
      assertThat(left).as("nothing left beside the workspace either").isEmpty();
    }
    assertThat(outside.resolve("precious.txt")).hasContent("keep me");
  }

  /**
   * 200,000 files, deleted by a JVM whose 16 MB heap cannot hold their paths (sorting them all, as
   * a delete by {@code Files.walk(...).sorted()} does, runs out of memory there).
   */
  @Test
  void aTreeOf200000FilesIsDeletedByAProcessThatCannotHoldTheirPaths() throws Exception {
    Path workspace = new Workspaces(dataDir, "node").create("big", 1);
    for (int d = 0; d < 200; d++) {
      Path dir = Files.createDirectory(workspace.resolve("module-" + d));
      for (int f = 0; f < 1000; f++) {
        Files.createFile(dir.resolve("generated-source-file-" + f + ".txt"));
      }
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-Xmx16m",
                "-cp",
                System.getProperty("java.class.path"),
                WorkspaceDeleteMain.class.getName(),
                dataDir.toString(),
                workspace.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();

    assertThat(child.exitValue()).as(output).isZero();
    assertThat(workspace).doesNotExist();
    System.out.println("200,000 files: " + output.strip());
  }
}
