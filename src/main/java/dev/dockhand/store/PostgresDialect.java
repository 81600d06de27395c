package dev.dockhand.store;

import com.zaxxer.hikari.HikariConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * PostgreSQL for several nodes: claims skip rows other transactions lock, and nodes signal each
 * other through LISTEN/NOTIFY on one dedicated connection. Thread-safe.
 */
final class PostgresDialect implements Dialect {
  /** Any constant: the key of the transaction-scoped advisory lock that serialises claims. */
  private static final long CLAIM_LOCK_KEY = 0x646f636b68616e64L;

  private final String url;
  private final Map<String, List<Consumer<String>>> handlers = new ConcurrentHashMap<>();

  /** Notifications of the write transaction running on this thread, sent just before commit. */
  private final ThreadLocal<List<String[]>> pending = new ThreadLocal<>();

  private PgListener listener;

  PostgresDialect(String url) {
    this.url = url;
  }

  @Override
  public String name() {
    return "postgresql";
  }

  @Override
  public HikariConfig poolConfig() {
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(url);
    hikari.setMaximumPoolSize(10);
    return hikari;
  }

  @Override
  public <R> R write(Jdbi jdbi, HandleCallback<R, RuntimeException> callback) {
    return jdbi.inTransaction(
        handle -> {
          List<String[]> outer = pending.get();
          List<String[]> mine = new ArrayList<>();
          pending.set(mine);
          try {
            R result = callback.withHandle(handle);
            flush(handle, mine);
            return result;
          } finally {
            pending.set(outer);
          }
        });
  }

  /** Sends a write transaction's notifications in one statement just before it commits. */
  private static void flush(Handle handle, List<String[]> notifications) {
    if (notifications.isEmpty()) {
      return;
    }
    StringBuilder sql = new StringBuilder("SELECT");
    List<String> arguments = new ArrayList<>();
    for (String[] notification : notifications) {
      sql.append(arguments.isEmpty() ? " " : ", ").append("pg_notify(?, ?)");
      arguments.add(notification[0]);
      arguments.add(notification[1]);
    }
    handle.execute(sql.toString(), arguments.toArray());
  }

  @Override
  public String claimLock() {
    return "FOR UPDATE SKIP LOCKED";
  }

  @Override
  public void lockClaims(Handle handle) {
    handle.execute("SELECT pg_advisory_xact_lock(?)", CLAIM_LOCK_KEY);
  }

  @Override
  public void lockUser(Handle handle, long userId) {
    handle.select("SELECT id FROM users WHERE id = ? FOR UPDATE", userId).mapTo(Long.class).list();
  }

  @Override
  public OptionalLong insertEvent(Handle handle, String taskId, String kind, String data, long at) {
    // One round trip: the seq comes from the row the UPDATE locks.
    return handle
        .select(
            "WITH next AS (UPDATE tasks SET last_seq = last_seq + 1 WHERE id = ? RETURNING"
                + " last_seq) INSERT INTO events(task_id, seq, kind, data, created_at) SELECT ?,"
                + " last_seq, ?, ?, ? FROM next RETURNING seq",
            taskId,
            taskId,
            kind,
            data,
            at)
        .mapTo(Long.class)
        .findOne()
        .map(OptionalLong::of)
        .orElse(OptionalLong.empty());
  }

  @Override
  public void notify(Handle handle, String channel, String payload) {
    List<String[]> batch = pending.get();
    if (batch != null) {
      batch.add(new String[] {channel, payload});
      return;
    }
    // Transactional: delivered when (and only if) the transaction commits.
    handle.execute("SELECT pg_notify(?, ?)", channel, payload);
  }

  /**
   * The server's time when the statement runs: {@code clock_timestamp()}, not {@code now()}, which
   * is frozen at the start of the transaction — a claim reads the clock after waiting for the claim
   * lock, and its lease must start when it is taken, not when the transaction began.
   */
  @Override
  public long clockMillis(Handle handle) {
    return handle
        .select("SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint")
        .mapTo(Long.class)
        .one();
  }

  @Override
  public synchronized void listen(String channel, Consumer<String> handler) {
    boolean added = !handlers.containsKey(channel);
    handlers.computeIfAbsent(channel, ignored -> new CopyOnWriteArrayList<>()).add(handler);
    if (listener == null) {
      listener = new PgListener(url, handlers);
      listener.start();
    }
    if (added) {
      listener.subscribe(channel);
    }
  }

  @Override
  public synchronized void close() {
    if (listener != null) {
      listener.close();
    }
  }
}
