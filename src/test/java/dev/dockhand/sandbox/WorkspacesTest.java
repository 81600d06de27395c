package dev.dockhand.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dockhand.queue.AttemptEnds;
import dev.dockhand.queue.AttemptOutcome;
import dev.dockhand.queue.Dispatcher;
import dev.dockhand.queue.ManualClock;
import dev.dockhand.queue.QueueFixture;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskResult;
import dev.dockhand.queue.TaskStatus;
import dev.dockhand.store.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Giving a workspace to the sandbox user: files that vanish under the walk are no reason to fail,
 * and a fault of the host's disk sends the task back to the queue rather than failing it.
 */
class WorkspacesTest {
  private static final SandboxUser SANDBOX = new SandboxUser(1000, 1000);

  @TempDir Path temp;

  @Test
  void aWalkOverATreeLosingFilesMeanwhileCompletesAndOwnsEverythingLeft() throws Exception {
    for (int round = 0; round < 3; round++) {
      Path workspace = Files.createDirectory(temp.resolve("ws-" + round));
      List<Path> files = tree(workspace, 100, 40);
      CompletableFuture<Void> deleter =
          CompletableFuture.runAsync(() -> deleteEveryOther(files.reversed()));

      Workspaces.giveTo(workspace, SANDBOX);
      deleter.get(60, TimeUnit.SECONDS);

      try (Stream<Path> left = Files.walk(workspace)) {
        assertThat(left.filter(path -> uid(path) != SANDBOX.uid()).toList()).isEmpty();
      }
    }
  }

  @Test
  void aHostFaultDuringTheWalkIsRetryableAndNamesTheWorkspace() throws IOException {
    Path workspace = Files.createDirectory(temp.resolve("ws"));
    try {
      nestTooDeepForAPath(workspace);

      SandboxException error =
          catchThrowableOfType(SandboxException.class, () -> Workspaces.giveTo(workspace, SANDBOX));

      assertThat(error.retryable()).isTrue();
      assertThat(error.code()).isEqualTo("sandbox_unavailable");
      assertThat(error.getMessage())
          .startsWith("cannot give workspace " + workspace + " to uid 1000 (")
          .doesNotContain("DOCKHAND_SANDBOX_USER");
    } finally {
      assertThat(TaskDiskTrees.delete(workspace)).isTrue();
    }
  }

  @Test
  void aTaskWhoseWorkspaceHitsAHostFaultIsRetriedNotFailed() throws Exception {
    Path workspace = Files.createDirectory(temp.resolve("ws"));
    ManualClock clock = new ManualClock();
    try (QueueFixture node =
            new QueueFixture(
                TestDatabases.sqliteUrl(temp), temp, QueueFixture.settings(5, 5, 3), clock);
        AttemptEnds ends = new AttemptEnds(node.hub)) {
      nestTooDeepForAPath(workspace);
      Dispatcher dispatcher =
          new Dispatcher(
              node.queue,
              context -> {
                Workspaces.giveTo(workspace, SANDBOX);
                return new AttemptOutcome.Succeeded(TaskResult.NOTHING);
              },
              node.settings,
              "node-a",
              clock);
      dispatcher.start();
      try {
        Task task = ends.follow(node.submit(node.user("ann"), "go"));

        assertThat(ends.next()).isEqualTo(new AttemptEnds.End(task.id(), 1, TaskStatus.QUEUED));
        assertThat(node.get(task.id()).attempt()).isEqualTo(2);
        assertThat(node.kinds(task.id())).last().isEqualTo("task.retrying");
      } finally {
        dispatcher.shutdown();
      }
    } finally {
      assertThat(TaskDiskTrees.delete(workspace)).isTrue();
    }
  }

  /** {@code dirs} directories of {@code perDir} files each; returns the files and directories. */
  private static List<Path> tree(Path root, int dirs, int perDir) throws IOException {
    List<Path> made = new ArrayList<>();
    for (int d = 0; d < dirs; d++) {
      Path dir = Files.createDirectory(root.resolve("d" + d));
      for (int f = 0; f < perDir; f++) {
        made.add(Files.writeString(dir.resolve("f" + f + ".lock"), "x"));
      }
      made.add(dir);
    }
    return made;
  }

  /** Every other file, and every directory once it is empty, much as git drops its lock files. */
  private static void deleteEveryOther(List<Path> paths) {
    for (int i = 0; i < paths.size(); i++) {
      Path path = paths.get(i);
      try {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          if (i % 4 == 0) {
            TaskDiskTrees.delete(path);
          }
        } else if (i % 2 == 0) {
          Files.deleteIfExists(path);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** 2,100 directories one inside the other: longer than a path may be (4,096 bytes). */
  private static void nestTooDeepForAPath(Path top) throws IOException {
    Path chain = Files.createDirectory(top.resolve("a"));
    for (int depth = 1; depth < 2100; depth++) {
      Path next = Files.createDirectory(top.resolve("next"));
      Files.move(chain, next.resolve("a"));
      chain = Files.move(next, top.resolve("a"));
    }
  }

  private static int uid(Path path) {
    try {
      return (int) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
