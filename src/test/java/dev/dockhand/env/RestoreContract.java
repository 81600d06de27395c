package dev.dockhand.env;

import static dev.dockhand.env.CacheFixture.TRACKED;
import static dev.dockhand.env.CacheFixture.UID;
import static dev.dockhand.env.CacheFixture.asSandboxUser;
import static dev.dockhand.env.CacheFixture.key;
import static dev.dockhand.env.CacheFixture.mountsBelow;
import static dev.dockhand.env.CacheFixture.tree;
import static dev.dockhand.env.CacheFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.env.CacheFixture.Task;
import dev.dockhand.queue.ManualClock;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a task sees of a restored environment, whichever way it was restored: run once with overlay
 * mounts and once with the copy they fall back to. Real directories, as root, with the sandbox
 * user's commands run through setpriv.
 */
abstract class RestoreContract {
  @TempDir Path temp;
  EnvironmentCache cache;
  final EnvKey key = key("npm ci");

  abstract boolean overlay();

  @BeforeEach
  void saveOneEnvironment() throws Exception {
    CacheFixture.openToTheSandboxUser(temp);
    cache = CacheFixture.cache(temp.resolve("data"), 100, new ManualClock(), overlay());
    Task setUp = CacheFixture.setUp(temp.resolve("setup"), 3);
    assertThat(cache.save(key, setUp.workspace(), setUp.home(), TRACKED, UID, UID)).isPresent();
  }

  /** A new task's directories: the host's clone has written its .git, the checkout is to come. */
  Task newTask(String name) throws Exception {
    Task task = Task.in(temp.resolve("tasks").resolve(name));
    write(task.workspace().resolve(".git/HEAD"), "the host's clone for " + name);
    CacheFixture.run(
        "chown", "-R", UID + ":" + UID, task.workspace().toString(), task.home().toString());
    return task;
  }

  @Test
  void aHitShowsTheSavedEnvironmentBeneathWhatTheWorkspaceAlreadyHeld() throws Exception {
    Task task = newTask("b");

    try (Restored restored =
        cache.restore(key, task.workspace(), task.home(), task.scratch()).orElseThrow()) {
      assertThat(restored.method())
          .isEqualTo(overlay() ? Restored.Method.OVERLAY : Restored.Method.COPY);
      assertThat(restored.sizeBytes()).isPositive();
      assertThat(task.workspace().resolve(".git/HEAD")).hasContent("the host's clone for b");
      assertThat(task.workspace().resolve("node_modules/dep2/index.js")).hasContent("module 2");
      assertThat(task.home().resolve(".npm/_cacache/index")).hasContent("cached");
      assertThat(tree(task.workspace()))
          .as("tracked files come from the checkout, not the cache")
          .doesNotContain("package.json", "src", "src/index.js");
    }
  }

  @Test
  void anotherSetupAnotherPersonOrAnotherRepositoryMissesAndLeavesTheTaskAlone() throws Exception {
    Task task = newTask("miss");

    for (EnvKey other :
        List.of(key("npm install"), key(8, "o/app", "npm ci"), key(7, "o/other", "npm ci"))) {
      assertThat(cache.restore(other, task.workspace(), task.home(), task.scratch())).isEmpty();
    }
    assertThat(tree(task.workspace())).containsExactly(".git", ".git/HEAD");
    assertThat(mountsBelow(task.workspace())).isEmpty();
  }

  @Test
  void twoTasksRestoredFromOneEntryAtOnceSeeNeitherEachOthersWritesNorChangeTheEntry()
      throws Exception {
    Task first = newTask("first");
    Task second = newTask("second");
    List<String> entryBefore = tree(entryDir());

    try (Restored one = restore(first);
        Restored two = restore(second)) {
      String writes =
          "echo changed > node_modules/dep0/index.js && rm -r node_modules/dep1"
              + " && echo new > node_modules/added.js && echo mine > ~/.npm/_cacache/index";
      CacheFixture.Run wrote = asSandboxUser(first.workspace(), "HOME=../home; " + writes);
      assertThat(wrote.exitCode()).as(wrote.output()).isZero();

      assertThat(first.workspace().resolve("node_modules/dep0/index.js")).hasContent("changed");
      assertThat(first.workspace().resolve("node_modules/dep1")).doesNotExist();
      assertThat(second.workspace().resolve("node_modules/dep0/index.js")).hasContent("module 0");
      assertThat(second.workspace().resolve("node_modules/dep1/index.js")).exists();
      assertThat(second.workspace().resolve("node_modules/added.js")).doesNotExist();
      assertThat(second.home().resolve(".npm/_cacache/index")).hasContent("cached");
    }
    assertThat(tree(entryDir())).isEqualTo(entryBefore);
    assertThat(entryDir().resolve("workspace/node_modules/dep0/index.js")).hasContent("module 0");
    Task later = newTask("later");
    try (Restored again = restore(later)) {
      assertThat(later.workspace().resolve("node_modules/dep0/index.js")).hasContent("module 0");
      assertThat(later.workspace().resolve("node_modules/added.js")).doesNotExist();
    }
  }

  @Test
  void theSandboxUserOwnsWhatIsRestoredAndClosingLeavesNothingMounted() throws Exception {
    Task task = newTask("owner");

    try (Restored restored = restore(task)) {
      assertThat(CacheFixture.uid(task.workspace().resolve("node_modules/dep0/index.js")))
          .isEqualTo(UID);
      assertThat(asSandboxUser(task.workspace(), "rm -r node_modules && touch made").exitCode())
          .isZero();
      restored.close();
      restored.close();
    }
    assertThat(mountsBelow(temp.resolve("tasks"))).isEmpty();
  }

  Restored restore(Task task) {
    return cache.restore(key, task.workspace(), task.home(), task.scratch()).orElseThrow();
  }

  /** The one entry on disk. */
  Path entryDir() throws Exception {
    return CacheFixture.entries(temp.resolve("data")).getFirst();
  }
}
