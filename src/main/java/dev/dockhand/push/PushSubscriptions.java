package dev.dockhand.push;

import dev.dockhand.NotFoundException;
import dev.dockhand.store.Database;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * The stored push subscriptions, per user and browser: one row per endpoint, which moves to whoever
 * subscribed with it last (a shared device signed into another account). A user keeps at most
 * {@link #MAX_PER_USER}; a new one beyond that replaces their oldest. Thread-safe.
 */
public final class PushSubscriptions {
  static final int MAX_PER_USER = 20;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Database database;
  private final Clock clock;

  public PushSubscriptions(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  /** Stores the browser's subscription for the user, made for {@code serverKey}; returns it. */
  public Subscription add(long userId, SubscriptionRequest request, String serverKey) {
    byte[] bytes = new byte[9];
    RANDOM.nextBytes(bytes);
    String id = "ps_" + HexFormat.of().formatHex(bytes);
    long now = clock.millis();
    database.write(
        handle -> {
          handle
              .createUpdate(
                  "INSERT INTO push_subscriptions"
                      + " (id, user_id, endpoint, p256dh, auth, server_key, created_at)"
                      + " VALUES (:id, :user, :endpoint, :p256dh, :auth, :key, :now)"
                      + " ON CONFLICT (endpoint) DO UPDATE SET id = excluded.id,"
                      + " user_id = excluded.user_id, p256dh = excluded.p256dh,"
                      + " auth = excluded.auth, server_key = excluded.server_key,"
                      + " created_at = excluded.created_at, last_sent_at = NULL")
              .bind("id", id)
              .bind("user", userId)
              .bind("endpoint", request.endpoint().toString())
              .bind("p256dh", request.p256dh())
              .bind("auth", request.auth())
              .bind("key", serverKey)
              .bind("now", now)
              .execute();
          return handle
              .createUpdate(
                  "DELETE FROM push_subscriptions WHERE user_id = :user AND id NOT IN"
                      + " (SELECT id FROM push_subscriptions WHERE user_id = :user"
                      + " ORDER BY created_at DESC, id DESC LIMIT :keep)")
              .bind("user", userId)
              .bind("keep", MAX_PER_USER)
              .execute();
        });
    return new Subscription(
        id,
        userId,
        request.endpoint(),
        request.p256dh(),
        request.auth(),
        serverKey,
        Instant.ofEpochMilli(now));
  }

  /** The user's subscriptions, oldest first. */
  public List<Subscription> of(long userId) {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery(
                        "SELECT id, user_id, endpoint, p256dh, auth, server_key, created_at"
                            + " FROM push_subscriptions WHERE user_id = :user"
                            + " ORDER BY created_at, id")
                    .bind("user", userId)
                    .map(
                        (row, ctx) ->
                            new Subscription(
                                row.getString("id"),
                                row.getLong("user_id"),
                                URI.create(row.getString("endpoint")),
                                row.getString("p256dh"),
                                row.getString("auth"),
                                row.getString("server_key"),
                                Instant.ofEpochMilli(row.getLong("created_at"))))
                    .list());
  }

  /** The user's own subscription {@code id}; another's, or none, is 404. */
  public void remove(long userId, String id) {
    int removed =
        database.write(
            handle ->
                handle
                    .createUpdate(
                        "DELETE FROM push_subscriptions WHERE id = :id AND user_id = :user")
                    .bind("id", id)
                    .bind("user", userId)
                    .execute());
    if (removed == 0) {
      throw new NotFoundException("push subscription", id);
    }
  }

  /** The push service says the subscription is gone (404 or 410): forget it. */
  void drop(Subscription subscription) {
    database.write(
        handle ->
            handle
                .createUpdate("DELETE FROM push_subscriptions WHERE id = :id")
                .bind("id", subscription.id())
                .execute());
  }

  void delivered(Subscription subscription) {
    database.write(
        handle ->
            handle
                .createUpdate("UPDATE push_subscriptions SET last_sent_at = :now WHERE id = :id")
                .bind("now", clock.millis())
                .bind("id", subscription.id())
                .execute());
  }
}
