package dev.dockhand.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection that LISTENs on every channel this process cares about and hands each payload to
 * the channel's handlers, on its own thread. Reconnects when the connection drops (payloads sent
 * meanwhile are lost; pollers cover the queue). Thread-safe.
 */
final class PgListener {
  private static final Logger log = LoggerFactory.getLogger(PgListener.class);
  private static final int POLL_MS = 50;

  private final String url;
  private final Map<String, List<Consumer<String>>> handlers;
  private final ReentrantLock connectionLock = new ReentrantLock(true);
  private final Thread thread;
  private volatile boolean closed;
  private Connection connection;

  PgListener(String url, Map<String, List<Consumer<String>>> handlers) {
    this.url = url;
    this.handlers = handlers;
    this.thread = Thread.ofPlatform().daemon().name("dockhand-pg-listen").unstarted(this::loop);
  }

  void start() {
    connectionLock.lock();
    try {
      connectQuietly();
    } finally {
      connectionLock.unlock();
    }
    thread.start();
  }

  /** LISTENs before returning, so a NOTIFY committed afterwards is received. */
  void subscribe(String channel) {
    connectionLock.lock();
    try {
      if (connection != null) {
        listenOn(connection, channel);
      }
    } catch (SQLException e) {
      log.warn("LISTEN {} failed, will retry on reconnect: {}", channel, e.getMessage());
      dropConnection();
    } finally {
      connectionLock.unlock();
    }
  }

  private void loop() {
    while (!closed) {
      PGNotification[] notifications = poll();
      if (notifications == null) {
        continue;
      }
      for (PGNotification notification : notifications) {
        deliver(notification);
      }
    }
  }

  private PGNotification[] poll() {
    connectionLock.lock();
    try {
      if (connection == null && !connectQuietly()) {
        return null;
      }
      return connection.unwrap(PGConnection.class).getNotifications(POLL_MS);
    } catch (SQLException e) {
      if (!closed) {
        log.warn("LISTEN connection lost, reconnecting: {}", e.getMessage());
      }
      dropConnection();
      return null;
    } finally {
      connectionLock.unlock();
    }
  }

  private void deliver(PGNotification notification) {
    for (Consumer<String> handler : handlers.getOrDefault(notification.getName(), List.of())) {
      try {
        handler.accept(notification.getParameter());
      } catch (RuntimeException e) {
        log.warn("handler for {} failed", notification.getName(), e);
      }
    }
  }

  private boolean connectQuietly() {
    try {
      Connection fresh = DriverManager.getConnection(url);
      fresh.setAutoCommit(true);
      for (String channel : handlers.keySet()) {
        listenOn(fresh, channel);
      }
      connection = fresh;
      return true;
    } catch (SQLException e) {
      if (!closed) {
        log.warn("cannot open LISTEN connection: {}", e.getMessage());
        // A pause before the next attempt, not a wait for an event.
        connectionLock.unlock();
        try {
          TimeUnit.SECONDS.sleep(1);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
        } finally {
          connectionLock.lock();
        }
      }
      return false;
    }
  }

  private static void listenOn(Connection connection, String channel) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("LISTEN \"" + channel.replace("\"", "") + "\"");
    }
  }

  private void dropConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // Already broken.
      }
      connection = null;
    }
  }

  void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    connectionLock.lock();
    try {
      dropConnection();
    } finally {
      connectionLock.unlock();
    }
  }
}
