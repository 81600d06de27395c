package dev.dockhand.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.dockhand.ConflictException;
import dev.dockhand.agent.AgentSettings;
import dev.dockhand.config.Env;
import dev.dockhand.events.EventKind;
import dev.dockhand.events.Usage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a person spends is recorded per turn into the shared ledger, their daily and monthly limits
 * are read from it, and a task takes a bounded number of follow-ups. Run against every database.
 */
abstract class CeilingsContract {
  static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  final ManualClock clock = new ManualClock(Instant.parse("2030-01-31T22:00:00Z"));
  QueueFixture node;
  Dispatcher dispatcher;
  AttemptEnds ends;
  long ann;
  long bob;

  abstract String freshDatabaseUrl(Path dir);

  @BeforeEach
  void open() {
    AgentSettings agent =
        AgentSettings.from(
            new Env(
                Map.of(
                    "DOCKHAND_MODEL", "test-model",
                    "DOCKHAND_USER_DAILY_BUDGET_USD", "2",
                    "DOCKHAND_USER_MONTHLY_BUDGET_USD", "5",
                    "DOCKHAND_MAX_MESSAGES_PER_TASK", "3")));
    node =
        new QueueFixture(freshDatabaseUrl(dir), dir, QueueFixture.settings(10, 5, 3), clock, agent);
    ann = node.user("ann");
    ends = new AttemptEnds(node.hub);
    bob = node.user("bob");
  }

  @AfterEach
  void close() throws Exception {
    if (dispatcher != null) {
      dispatcher.shutdown();
    }
    ends.close();
    node.close();
  }

  void run(TaskStep step) {
    dispatcher = new Dispatcher(node.queue, step, node.settings, "node-a", clock);
    dispatcher.start();
  }

  AttemptEnds.End nextEnd() throws InterruptedException {
    return ends.next();
  }

  static Usage costing(double usd) {
    return new Usage(1000, 100, 0, 0, usd);
  }

  /** The ledger's rows of a person, as stored. */
  List<Map<String, Object>> rows(long userId) {
    return node.database
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .select(
                        "SELECT day, cost_usd FROM user_spend WHERE user_id = ? ORDER BY day",
                        userId)
                    .mapToMap()
                    .list());
  }

  @Test
  void eachTurnsCostIsAddedToTheOwnersRowForTheDayAsTheTurnIsPaid() throws Exception {
    List<Double> seenAfterEachTurn = new CopyOnWriteArrayList<>();
    run(
        context -> {
          for (double total : new double[] {0.10, 0.25, 0.60}) {
            context.usage(costing(total));
            seenAfterEachTurn.add(node.queue.spend().spent(ann).todayUsd());
          }
          return new AttemptOutcome.Succeeded(TaskResult.NOTHING);
        });
    Task task = ends.follow(node.submit(ann, "three turns"));

    assertThat(nextEnd().status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(seenAfterEachTurn)
        .satisfiesExactly(
            first -> assertThat(first).isCloseTo(0.10, within(1e-9)),
            second -> assertThat(second).isCloseTo(0.25, within(1e-9)),
            third -> assertThat(third).isCloseTo(0.60, within(1e-9)));
    assertThat(rows(ann))
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.get("day")).isEqualTo("2030-01-31");
              assertThat(((Number) row.get("cost_usd")).doubleValue())
                  .isCloseTo(0.60, within(1e-9));
            });
    assertThat(node.get(task.id()).usage().costUsd()).isCloseTo(0.60, within(1e-9));
    assertThat(rows(bob)).isEmpty();
  }

  @Test
  void aResumedTaskAddsOnlyWhatItsNewAttemptSpendsAndANewDayGetsItsOwnRow() throws Exception {
    run(
        context -> {
          context.usage(costing(0.40));
          return new AttemptOutcome.Succeeded(TaskResult.NOTHING);
        });
    Task task = ends.follow(node.submit(ann, "once"));
    assertThat(nextEnd().status()).isEqualTo(TaskStatus.SUCCEEDED);

    clock.advance(Duration.ofHours(3)); // 2030-02-01T01:00Z
    node.queue.postMessage(task.id(), "and again");
    assertThat(nextEnd().status()).isEqualTo(TaskStatus.SUCCEEDED);

    assertThat(node.get(task.id()).usage().costUsd()).isCloseTo(0.80, within(1e-9));
    assertThat(rows(ann))
        .extracting(row -> row.get("day"))
        .containsExactly("2030-01-31", "2030-02-01");
    assertThat(rows(ann))
        .allSatisfy(
            row ->
                assertThat(((Number) row.get("cost_usd")).doubleValue())
                    .isCloseTo(0.40, within(1e-9)));
    UserSpend.Spent spent = node.queue.spend().spent(ann);
    assertThat(spent.todayUsd()).isCloseTo(0.40, within(1e-9));
    assertThat(spent.monthUsd()).isCloseTo(0.40, within(1e-9));
  }

  @Test
  void concurrentTasksOfOnePersonAddUpInTheSharedLedgerAndEachSeesTheOthersSpend()
      throws Exception {
    int turns = 40;
    CountDownLatch bothRunning = new CountDownLatch(2);
    List<Optional<SpendLimitReached>> lastChecks = new CopyOnWriteArrayList<>();
    run(
        context -> {
          bothRunning.countDown();
          try {
            bothRunning.await(WAIT.toSeconds(), TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          for (int turn = 1; turn <= turns; turn++) {
            context.usage(costing(turn * 0.02));
          }
          lastChecks.add(context.ownerSpendLimit());
          return new AttemptOutcome.Succeeded(TaskResult.NOTHING);
        });
    ends.follow(node.submit(ann, "one"));
    ends.follow(node.submit(ann, "two"));
    nextEnd();
    nextEnd();

    // 2 × 40 turns × $0.02 = $1.60: every increment counted once, under the $2.00 daily limit.
    assertThat(node.queue.spend().spent(ann).todayUsd()).isCloseTo(1.60, within(1e-6));
    assertThat(lastChecks).hasSize(2);
    assertThat(node.queue.spend().limitReached(ann)).isEmpty();
  }

  @Test
  void theDailyLimitIsReachedAtItsAmountAndResetsAtTheNextUtcMidnight() {
    node.queue.spend().add(ann, 1.50);
    assertThat(node.queue.spend().limitReached(ann)).isEmpty();
    node.queue.spend().add(ann, 0.50);

    SpendLimitReached reached = node.queue.spend().limitReached(ann).orElseThrow();
    assertThat(reached.period()).isEqualTo("daily");
    assertThat(reached.limitUsd()).isEqualTo(2.0);
    assertThat(reached.spentUsd()).isCloseTo(2.0, within(1e-9));
    assertThat(reached.resetsAt()).isEqualTo(Instant.parse("2030-02-01T00:00:00Z"));
    assertThat(reached.retryAfter()).isEqualTo(Duration.ofHours(2));
    assertThat(reached.describe())
        .isEqualTo(
            "daily spend limit of $2.00 (DOCKHAND_USER_DAILY_BUDGET_USD): $2.00 spent today (UTC);"
                + " it resets at 2030-02-01T00:00:00Z");
    assertThat(node.queue.spend().limitReached(bob)).isEmpty();

    clock.advance(Duration.ofHours(2));
    assertThat(node.queue.spend().limitReached(ann)).isEmpty();
  }

  @Test
  void theMonthlyLimitAddsUpTheMonthsDaysAndResetsOnTheFirstOfNextMonth() {
    clock.advance(Duration.ofHours(2 + 24)); // 2030-02-02
    for (int day = 0; day < 3; day++) {
      node.queue.spend().add(ann, 1.90);
      clock.advance(Duration.ofDays(1));
    }
    // $5.70 over three days of February, each under the daily limit.
    SpendLimitReached reached = node.queue.spend().limitReached(ann).orElseThrow();
    assertThat(reached.period()).isEqualTo("monthly");
    assertThat(reached.spentUsd()).isCloseTo(5.70, within(1e-9));
    assertThat(reached.resetsAt()).isEqualTo(Instant.parse("2030-03-01T00:00:00Z"));
    assertThat(reached.describe())
        .contains("monthly spend limit of $5.00 (DOCKHAND_USER_MONTHLY_BUDGET_USD)", "this month");
  }

  @Test
  void anAdminsLimitForOnePersonReplacesTheDefault() {
    node.database.write(
        handle ->
            handle.execute(
                "UPDATE users SET daily_budget_usd = 0.5, monthly_budget_usd = 100 WHERE id = ?",
                ann));
    node.queue.spend().add(ann, 0.50);
    node.queue.spend().add(bob, 0.50);

    SpendLimitReached reached = node.queue.spend().limitReached(ann).orElseThrow();
    assertThat(reached.limitUsd()).isEqualTo(0.5);
    assertThat(reached.setByAdmin()).isTrue();
    assertThat(reached.describe()).contains("$0.50 (set for this user by an admin)");
    assertThat(node.queue.spend().limitReached(bob)).isEmpty();

    // A generous admin limit lifts the default too.
    node.queue.spend().add(ann, 2.00);
    node.database.write(
        handle -> handle.execute("UPDATE users SET daily_budget_usd = 10 WHERE id = ?", ann));
    assertThat(node.queue.spend().limitReached(ann)).isEmpty();
  }

  @Test
  void aRunningTaskSeesItsOwnersLimitOnceAnotherTaskOfTheirsReachedIt() throws Exception {
    CountDownLatch checked = new CountDownLatch(1);
    CountDownLatch spentElsewhere = new CountDownLatch(1);
    List<Optional<SpendLimitReached>> checks = new CopyOnWriteArrayList<>();
    run(
        context -> {
          checks.add(context.ownerSpendLimit());
          checked.countDown();
          try {
            spentElsewhere.await(WAIT.toSeconds(), TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          checks.add(context.ownerSpendLimit());
          return new AttemptOutcome.Succeeded(TaskResult.NOTHING);
        });
    ends.follow(node.submit(ann, "watch the ledger"));
    assertThat(checked.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    node.queue.spend().add(ann, 2.10);
    spentElsewhere.countDown();
    nextEnd();

    assertThat(checks.get(0)).isEmpty();
    assertThat(checks.get(1))
        .hasValueSatisfying(reached -> assertThat(reached.period()).isEqualTo("daily"));
  }

  @Test
  void aTaskTakesAtMostTheCappedNumberOfFollowUpsAndARepeatedKeyIsNotCounted() {
    Task task = node.submit(ann, "chat");
    node.queue.postMessage(task.id(), "one", Optional.of("k1"));
    node.queue.postMessage(task.id(), "one", Optional.of("k1"));
    node.queue.postMessage(task.id(), "two");
    node.queue.postMessage(task.id(), "three");

    assertThatThrownBy(() -> node.queue.postMessage(task.id(), "four"))
        .isInstanceOf(ConflictException.class)
        .hasMessage(
            "this task has taken 3 follow-up messages, the most one task may"
                + " (DOCKHAND_MAX_MESSAGES_PER_TASK); start a new task to go on");
    assertThat(node.eventLog.all(task.id()))
        .filteredOn(event -> event.kind() == EventKind.MESSAGE_USER)
        .extracting(event -> event.data().path("content").asText())
        .containsExactly("one", "two", "three");
    // Another task has its own count.
    node.queue.postMessage(node.submit(ann, "other").id(), "one");
  }
}
