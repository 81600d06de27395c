package dev.dockhand.queue;

import dev.dockhand.agent.AgentSettings;
import dev.dockhand.config.Env;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventHub;
import dev.dockhand.events.EventLog;
import dev.dockhand.store.Database;
import dev.dockhand.store.DbClock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One node's queue over a real database, for tests and benchmarks. Unless told otherwise, the
 * node's clock also plays the database's, so that moving a {@link ManualClock} expires leases.
 */
public final class QueueFixture implements AutoCloseable {
  public final Database database;
  public final EventLog eventLog;
  public final EventHub hub;
  public final TaskQueue queue;
  public final QueueSettings settings;
  public final Clock clock;

  public QueueFixture(String url, Path dataDir, QueueSettings settings, Clock clock) {
    this(url, dataDir, settings, clock, agentDefaults(), Integer.MAX_VALUE);
  }

  /**
   * The same, with leases judged by the clock {@code dbClock} makes for the opened database ({@code
   * DbClock::of} for the database's own, as in production).
   */
  public QueueFixture(
      String url,
      Path dataDir,
      QueueSettings settings,
      Clock clock,
      Function<Database, DbClock> dbClock) {
    this(url, dataDir, settings, clock, dbClock, agentDefaults(), Integer.MAX_VALUE);
  }

  /** The same, with other agent settings (limits and ceilings). */
  public QueueFixture(
      String url, Path dataDir, QueueSettings settings, Clock clock, AgentSettings agent) {
    this(url, dataDir, settings, clock, agent, Integer.MAX_VALUE);
  }

  /** The same, with a limit on each user's queued plus running tasks. */
  public QueueFixture(
      String url,
      Path dataDir,
      QueueSettings settings,
      Clock clock,
      AgentSettings agent,
      int maxActivePerUser) {
    this(
        url,
        dataDir,
        settings,
        clock,
        database -> handle -> clock.millis(),
        agent,
        maxActivePerUser);
  }

  private QueueFixture(
      String url,
      Path dataDir,
      QueueSettings settings,
      Clock clock,
      Function<Database, DbClock> dbClock,
      AgentSettings agent,
      int maxActivePerUser) {
    this.database = Database.open(url, dataDir);
    this.eventLog = new EventLog(database);
    this.hub = new EventHub(database, eventLog);
    this.settings = settings;
    this.clock = clock;
    this.queue =
        new TaskQueue(
            database,
            eventLog,
            hub,
            settings,
            agent.submitRules(maxActivePerUser),
            clock,
            dbClock.apply(database));
  }

  public static QueueSettings settings(int global, int perUser, int maxAttempts) {
    return new QueueSettings(
        global,
        perUser,
        maxAttempts,
        Duration.ofSeconds(30),
        Duration.ofSeconds(5),
        Duration.ofMinutes(1),
        Duration.ofSeconds(10),
        Duration.ofMinutes(2),
        20_000,
        64L << 20);
  }

  /** {@code base} with other caps on each task's event log. */
  public static QueueSettings withEventCaps(QueueSettings base, int maxEvents, long maxBytes) {
    return new QueueSettings(
        base.maxConcurrentTasks(),
        base.maxTasksPerUser(),
        base.maxAttempts(),
        base.lease(),
        base.heartbeat(),
        base.poll(),
        base.backoffBase(),
        base.backoffCap(),
        maxEvents,
        maxBytes);
  }

  public static AgentSettings agentDefaults() {
    return AgentSettings.from(new Env(Map.of("DOCKHAND_MODEL", "test-model")));
  }

  /** Inserts a user and returns its id. */
  public long user(String login) {
    return database.write(
        handle ->
            handle
                .select(
                    "INSERT INTO users(login, created_at, updated_at) VALUES (?, 0, 0) RETURNING"
                        + " id",
                    login)
                .mapTo(Long.class)
                .one());
  }

  public static NewTask task(long userId, String prompt) {
    return new NewTask(
        userId,
        "https://github.com/acme/widgets",
        Optional.empty(),
        prompt,
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }

  public Task submit(long userId, String prompt) {
    return queue.submit(task(userId, prompt), Optional.empty());
  }

  public TaskLeases leases() {
    return queue.leases();
  }

  public Task get(String id) {
    return queue.get(id).orElseThrow();
  }

  public List<String> kinds(String taskId) {
    return eventLog.all(taskId).stream().map(event -> event.kind().wire()).toList();
  }

  public List<Long> seqs(String taskId) {
    return eventLog.all(taskId).stream().map(Event::seq).toList();
  }

  @Override
  public void close() {
    database.close();
  }
}
