package dev.dockhand.run;

import dev.dockhand.config.ConfigException;
import dev.dockhand.store.Database;
import dev.dockhand.store.DbClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This run of a node: its claim on the node id, held by a lease its heartbeat renews. A node id is
 * held by one incarnation at a time, so a second node given the same id (two hosts of the same
 * name, a container recreated with the first one still up) is refused at start instead of reaping
 * and rescuing the first one's live work. An incarnation whose lease ran out, a node that crashed,
 * may be taken over; a graceful stop gives the id up at once. Thread-safe.
 */
public final class Incarnation implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Incarnation.class);

  private static final String TAKE =
      "INSERT INTO node_incarnations (node_id, incarnation_id, started_at, lease_expires_at)"
          + " VALUES (:node, :incarnation, :now, :expires)"
          + " ON CONFLICT (node_id) DO UPDATE SET incarnation_id = excluded.incarnation_id,"
          + " started_at = excluded.started_at, lease_expires_at = excluded.lease_expires_at"
          + " WHERE node_incarnations.lease_expires_at <= :now";

  private final Database database;
  private final String nodeId;
  private final String id;
  private final Duration lease;
  private final DbClock clock;
  private final AtomicBoolean lost = new AtomicBoolean();
  private final ScheduledExecutorService heartbeat;

  /** Who holds a node id, as the table says. */
  record Holder(String incarnation, Instant startedAt, Instant leaseExpiresAt) {}

  private Incarnation(Database database, String nodeId, Duration lease, DbClock clock) {
    this.database = database;
    this.nodeId = nodeId;
    this.id = UUID.randomUUID().toString();
    this.lease = lease;
    this.clock = clock;
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("dockhand-incarnation-" + nodeId).factory());
  }

  /**
   * Takes {@code nodeId} for a new incarnation and renews its lease every {@code renewEvery}. When
   * another incarnation holds it with a lease that runs out within {@code patience}, watches it for
   * a renewal period at a time: a crashed predecessor's lease runs out and is taken over, while a
   * live holder renews it (nodes of one id share their settings) and this one is refused.
   *
   * @throws ConfigException naming DOCKHAND_NODE_ID when a live incarnation holds the id
   */
  public static Incarnation register(
      Database database,
      String nodeId,
      Duration lease,
      Duration renewEvery,
      Duration patience,
      DbClock clock) {
    Incarnation mine = new Incarnation(database, nodeId, lease, clock);
    Optional<Holder> holder = mine.tryTake();
    while (holder.isPresent()) {
      Holder seen = holder.get();
      long untilExpiry = seen.leaseExpiresAt().toEpochMilli() - mine.now() + 1;
      if (untilExpiry > patience.toMillis()) {
        break;
      }
      pause(Math.min(untilExpiry, renewEvery.toMillis()));
      holder = mine.tryTake();
      if (holder.isPresent() && holder.get().leaseExpiresAt().isAfter(seen.leaseExpiresAt())) {
        break; // renewed: the holder lives
      }
    }
    if (holder.isPresent()) {
      mine.heartbeat.shutdownNow();
      throw refusal(nodeId, holder.get());
    }
    long period = renewEvery.toMillis();
    mine.heartbeat.scheduleWithFixedDelay(
        mine::renewQuietly, period, period, TimeUnit.MILLISECONDS);
    log.info("node {} started as incarnation {}", nodeId, mine.id);
    return mine;
  }

  /** The random id of this incarnation, on its containers' labels. */
  public String id() {
    return id;
  }

  /** Whether {@code incarnation} holds its node id with a lease that has not run out. */
  public boolean isLive(String incarnation) {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle
                        .createQuery(
                            "SELECT COUNT(*) FROM node_incarnations"
                                + " WHERE incarnation_id = :incarnation AND lease_expires_at > :now")
                        .bind("incarnation", incarnation)
                        .bind("now", now())
                        .mapTo(Long.class)
                        .one()
                    > 0);
  }

  /** Extends the lease; false when another incarnation took the id over meanwhile. */
  boolean renew() {
    int updated =
        database.write(
            handle ->
                handle
                    .createUpdate(
                        "UPDATE node_incarnations SET lease_expires_at = :expires"
                            + " WHERE node_id = :node AND incarnation_id = :incarnation")
                    .bind("expires", now() + lease.toMillis())
                    .bind("node", nodeId)
                    .bind("incarnation", id)
                    .execute());
    return updated > 0;
  }

  /** Stops renewing and gives the node id up, so a restart may take it at once. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    database.write(
        handle ->
            handle
                .createUpdate(
                    "DELETE FROM node_incarnations"
                        + " WHERE node_id = :node AND incarnation_id = :incarnation")
                .bind("node", nodeId)
                .bind("incarnation", id)
                .execute());
  }

  /** The database's time: incarnation leases, like task leases, are judged by it. */
  private long now() {
    return database.jdbi().withHandle(clock::millis);
  }

  /** Empty when this incarnation now holds the id; otherwise who does. */
  private Optional<Holder> tryTake() {
    long now = now();
    int taken =
        database.write(
            handle ->
                handle
                    .createUpdate(TAKE)
                    .bind("node", nodeId)
                    .bind("incarnation", id)
                    .bind("now", now)
                    .bind("expires", now + lease.toMillis())
                    .execute());
    if (taken > 0) {
      return Optional.empty();
    }
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery(
                        "SELECT incarnation_id, started_at, lease_expires_at"
                            + " FROM node_incarnations WHERE node_id = :node")
                    .bind("node", nodeId)
                    .map(
                        (rs, ctx) ->
                            new Holder(
                                rs.getString("incarnation_id"),
                                Instant.ofEpochMilli(rs.getLong("started_at")),
                                Instant.ofEpochMilli(rs.getLong("lease_expires_at"))))
                    .findOne())
        // Given up between the two statements: try once more.
        .or(this::tryTake);
  }

  private void renewQuietly() {
    try {
      if (!renew() && lost.compareAndSet(false, true)) {
        log.error(
            "node id {} was taken over by another incarnation after this one's lease ran out;"
                + " stop this node, or give one of the two its own DOCKHAND_NODE_ID",
            nodeId);
      }
    } catch (RuntimeException e) {
      // The database may be away for a moment; the lease outlasts a few missed renewals.
      log.warn("cannot renew the lease of node {}: {}", nodeId, e.getMessage());
    }
  }

  private static ConfigException refusal(String nodeId, Holder holder) {
    return new ConfigException(
        "DOCKHAND_NODE_ID",
        "node id '"
            + nodeId
            + "' is held by another running node (incarnation "
            + holder.incarnation()
            + ", started "
            + holder.startedAt()
            + ", its lease renewed until "
            + holder.leaseExpiresAt()
            + "); give each node its own DOCKHAND_NODE_ID");
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(Math.max(0, millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
