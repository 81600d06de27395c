package dev.dockhand.queue;

import static dev.dockhand.queue.QueueFixture.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DOCKHAND_MAX_ACTIVE_TASKS_PER_USER holds under concurrent submits, on every database. */
abstract class ActiveLimitContract {
  static final int LIMIT = 5;

  @TempDir Path dir;
  final ManualClock clock = new ManualClock();
  QueueFixture node;
  long ann;

  abstract String freshDatabaseUrl(Path dir);

  @BeforeEach
  void open() {
    node =
        new QueueFixture(
            freshDatabaseUrl(dir),
            dir,
            QueueFixture.settings(10, 3, 3),
            clock,
            QueueFixture.agentDefaults(),
            LIMIT);
    ann = node.user("ann");
  }

  @AfterEach
  void close() {
    node.close();
  }

  @Test
  void twentyConcurrentSubmitsUnderALimitOfFiveAcceptExactlyFive() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String prompt = "task " + i;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      go.await();
                      node.queue.submit(task(ann, prompt), Optional.empty());
                      accepted.incrementAndGet();
                    } catch (ActiveLimitReachedException limited) {
                      refused.incrementAndGet();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
    }
    go.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(accepted.get()).isEqualTo(LIMIT);
    assertThat(refused.get()).isEqualTo(20 - LIMIT);
    assertThat(node.queue.activeCount(ann)).isEqualTo(LIMIT);
  }

  @Test
  void aFollowUpThatWouldQueueAFinishedTaskPastTheLimitIsRefusedAndStoresNothing() {
    Task finished = node.submit(ann, "first");
    node.queue.cancel(finished.id());
    for (int i = 0; i < LIMIT; i++) {
      node.submit(ann, "active " + i);
    }
    assertThatThrownBy(() -> node.queue.postMessage(finished.id(), "go on"))
        .isInstanceOf(ActiveLimitReachedException.class);
    assertThat(node.get(finished.id()).status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(node.kinds(finished.id())).containsExactly("task.queued", "task.cancelled");
  }

  @Test
  void aRepeatedSubmitAtTheLimitStillAnswersWithItsTask() {
    Task first = node.queue.submit(task(ann, "once"), Optional.of("k1"));
    for (int i = 1; i < LIMIT; i++) {
      node.submit(ann, "active " + i);
    }
    assertThat(node.queue.submit(task(ann, "once"), Optional.of("k1"))).isEqualTo(first);
    assertThatThrownBy(() -> node.submit(ann, "one too many"))
        .isInstanceOf(ActiveLimitReachedException.class);
  }
}
