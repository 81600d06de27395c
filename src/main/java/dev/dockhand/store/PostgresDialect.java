package dev.dockhand.store;

import com.zaxxer.hikari.HikariConfig;
import java.util.List;
import java.util.Map;
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
    return jdbi.inTransaction(callback);
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
  public void notify(Handle handle, String channel, String payload) {
    // Transactional: delivered when (and only if) the transaction commits.
    handle.execute("SELECT pg_notify(?, ?)", channel, payload);
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
