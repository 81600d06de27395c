package dev.dockhand.env;

import static dev.dockhand.env.CacheFixture.UID;
import static dev.dockhand.env.CacheFixture.asSandboxUser;
import static dev.dockhand.env.CacheFixture.mountsBelow;
import static dev.dockhand.env.CacheFixture.tree;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.env.CacheFixture.Task;
import dev.dockhand.queue.ManualClock;
import org.junit.jupiter.api.Test;

/** Restores by overlay mount: nothing is copied, and a task's writes land in its own upper. */
class OverlayRestoreTest extends RestoreContract {
  @Override
  boolean overlay() {
    return true;
  }

  @Test
  void restoringCopiesNothingAndTheTasksWritesAloneLandInItsScratch() throws Exception {
    Task task = newTask("upper");

    try (Restored restored = restore(task)) {
      assertThat(mountsBelow(task.workspace())).hasSize(1);
      assertThat(mountsBelow(task.home())).hasSize(1);
      assertThat(tree(task.scratch().resolve("workspace/upper")))
          .as("only what the workspace held before")
          .containsExactly(".git", ".git/HEAD");

      assertThat(asSandboxUser(task.workspace(), "echo hi > note.txt").exitCode()).isZero();

      assertThat(tree(task.scratch().resolve("workspace/upper")))
          .containsExactly(".git", ".git/HEAD", "note.txt");
      assertThat(tree(task.scratch().resolve("home/upper"))).isEmpty();
    }
  }

  @Test
  void whereNoOverlayCanBeMountedTheRestoreFallsBackToACopyAndSaysSo() throws Exception {
    // A comma in the data directory is one thing an overlay's mount options cannot carry.
    EnvironmentCache odd =
        CacheFixture.cache(temp.resolve("data,odd"), 100, new ManualClock(), true);
    Task setUp = CacheFixture.setUp(temp.resolve("odd-setup"), 1);
    odd.save(key, setUp.workspace(), setUp.home(), CacheFixture.TRACKED, UID, UID).orElseThrow();
    Task task = newTask("fallback");

    try (Restored restored =
        odd.restore(key, task.workspace(), task.home(), task.scratch()).orElseThrow()) {
      assertThat(restored.method()).isEqualTo(Restored.Method.COPY);
      assertThat(task.workspace().resolve("node_modules/dep0/index.js")).hasContent("module 0");
      assertThat(task.workspace().resolve(".git/HEAD")).hasContent("the host's clone for fallback");
      assertThat(mountsBelow(task.workspace())).isEmpty();
    }
  }
}
