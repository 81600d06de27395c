package dev.dockhand.env;

import static dev.dockhand.env.CacheFixture.MB;
import static dev.dockhand.env.CacheFixture.TRACKED;
import static dev.dockhand.env.CacheFixture.UID;
import static dev.dockhand.env.CacheFixture.entries;
import static dev.dockhand.env.CacheFixture.key;
import static dev.dockhand.env.CacheFixture.repo;
import static dev.dockhand.env.CacheFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.env.CacheFixture.Task;
import dev.dockhand.queue.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache's bounds: size with LRU eviction, pins, age, "Rebuild environment", and restarts. */
class CacheBoundsTest {
  private static final int ENTRY_KB = 400;

  @TempDir Path temp;
  private final ManualClock clock = new ManualClock();
  private Path data;
  private int tasks;

  @BeforeEach
  void dataDir() {
    data = temp.resolve("data");
  }

  @Test
  void theLeastRecentlyUsedEnvironmentGoesFirstWhenTheCacheIsFull() throws Exception {
    EnvironmentCache cache = CacheFixture.cache(data, 1, clock, true);
    save(cache, key("a"));
    save(cache, key("b"));
    clock.advance(Duration.ofMinutes(1));
    restore(cache, key("a")).orElseThrow().close();

    save(cache, key("c"));

    assertThat(restore(cache, key("b"))).isEmpty();
    assertThat(restore(cache, key("a"))).isPresent();
    assertThat(restore(cache, key("c"))).isPresent();
    assertThat(cache.sizeBytes()).isLessThanOrEqualTo(MB);
    assertThat(entries(data)).hasSize(2);
  }

  @Test
  void anEnvironmentInUseIsNeverEvictedNorDeletedUntilItsLastTaskLetsGo() throws Exception {
    EnvironmentCache cache = CacheFixture.cache(data, 1, clock, true);
    save(cache, key("in use"));
    Task task = newTask();
    try (Restored inUse =
        cache.restore(key("in use"), task.workspace(), task.home(), task.scratch()).orElseThrow()) {
      clock.advance(Duration.ofMinutes(1));
      save(cache, key("b"));
      clock.advance(Duration.ofMinutes(1));
      save(cache, key("c"));

      assertThat(restore(cache, key("b"))).as("evicted instead").isEmpty();
      assertThat(cache.drop(7, repo("o/app"))).isEqualTo(2);
      assertThat(entries(data)).as("still in use").hasSize(1);
      assertThat(task.workspace().resolve("node_modules/blob.bin")).hasSize(ENTRY_KB * 1024);
      assertThat(restore(cache, key("in use"))).as("dropped: no new task gets it").isEmpty();
    }
    assertThat(entries(data)).isEmpty();
  }

  @Test
  void anEnvironmentOlderThanItsTtlIsNotRestoredAndIsDeleted() throws Exception {
    EnvironmentCache cache = CacheFixture.cache(data, 10, clock, true);
    save(cache, key("old"));
    clock.advance(Duration.ofDays(7).minusSeconds(1));
    restore(cache, key("old")).orElseThrow().close();

    clock.advance(Duration.ofSeconds(1));

    assertThat(restore(cache, key("old"))).isEmpty();
    assertThat(entries(data)).isEmpty();
    assertThat(cache.sizeBytes()).isZero();
  }

  @Test
  void rebuildingDropsOnePersonsEnvironmentsForOneRepositoryOnly() throws Exception {
    EnvironmentCache cache = CacheFixture.cache(data, 10, clock, true);
    for (EnvKey key :
        new EnvKey[] {
          key(7, "o/app", "x"), key(7, "O/App", "y"), key(8, "o/app", "x"), key(7, "o/other", "x")
        }) {
      save(cache, key);
    }

    assertThat(cache.drop(7, repo("o/APP"))).isEqualTo(2);

    assertThat(restore(cache, key(7, "o/app", "x"))).isEmpty();
    assertThat(restore(cache, key(7, "o/app", "y"))).isEmpty();
    assertThat(restore(cache, key(8, "o/app", "x"))).isPresent();
    assertThat(restore(cache, key(7, "o/other", "x"))).isPresent();
    assertThat(entries(data)).hasSize(2);
  }

  @Test
  void whatACrashLeftIsDeletedWhenTheCacheIsMadeAndSavedEnvironmentsSurvive() throws Exception {
    save(CacheFixture.cache(data, 10, clock, true), key("kept"));
    Path root = data.resolve(EnvironmentCache.DIR);
    write(root.resolve(".building-" + key("half").hex() + ".1/workspace/node_modules/x"), "x");
    write(root.resolve(".trash-" + key("gone").hex() + ".2/workspace/y"), "y");
    write(root.resolve(key("no record").hex() + ".3/workspace/z"), "z");
    write(root.resolve("stray-file"), "?");

    EnvironmentCache restarted = CacheFixture.cache(data, 10, clock, true);

    assertThat(entries(data)).hasSize(1);
    assertThat(restarted.entries()).isEqualTo(1);
    assertThat(restore(restarted, key("kept"))).isPresent();
  }

  @Test
  void aRestartKeepsWhenEachEnvironmentWasLastUsed() throws Exception {
    EnvironmentCache cache = CacheFixture.cache(data, 10, clock, true);
    save(cache, key("a"));
    clock.advance(Duration.ofMinutes(1));
    save(cache, key("b"));
    clock.advance(Duration.ofMinutes(1));
    restore(cache, key("a")).orElseThrow().close();
    save(cache, key("c"));

    EnvironmentCache smaller = CacheFixture.cache(data, 1, clock, true);

    assertThat(smaller.entries()).isEqualTo(2);
    assertThat(restore(smaller, key("b"))).isEmpty();
    assertThat(restore(smaller, key("a"))).isPresent();
  }

  @Test
  void aCacheTurnedOffNeitherSavesNorRestores() throws Exception {
    EnvironmentCache off = CacheFixture.cache(data, 0, clock, true);
    Task task = CacheFixture.setUp(temp.resolve("setup"), 1);

    assertThat(off.enabled()).isFalse();
    assertThat(off.save(key("a"), task.workspace(), task.home(), TRACKED, UID, UID)).isEmpty();
    assertThat(restore(off, key("a"))).isEmpty();
    assertThat(entries(data)).isEmpty();
  }

  /** Saves an environment of about {@value #ENTRY_KB} KiB. */
  private void save(EnvironmentCache cache, EnvKey key) throws Exception {
    Task task = CacheFixture.setUp(temp.resolve("setup-" + ++tasks), 1);
    Files.write(task.workspace().resolve("node_modules/blob.bin"), new byte[ENTRY_KB * 1024]);
    assertThat(cache.save(key, task.workspace(), task.home(), TRACKED, UID, UID)).isPresent();
  }

  /** Restores into a new task's directories; closes at once, unless the caller keeps it. */
  private Optional<Restored> restore(EnvironmentCache cache, EnvKey key) throws Exception {
    Task task = newTask();
    Optional<Restored> restored = cache.restore(key, task.workspace(), task.home(), task.scratch());
    restored.ifPresent(Restored::close);
    return restored;
  }

  private Task newTask() throws Exception {
    return Task.in(temp.resolve("task-" + ++tasks));
  }
}
