package dev.dockhand.push;

import com.interaso.webpush.VapidKeys;
import com.interaso.webpush.WebPush;
import dev.dockhand.egress.Resolver;
import dev.dockhand.events.EventHub;
import dev.dockhand.queue.TaskQueue;
import dev.dockhand.store.Database;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Web Push to a person's devices: the server's VAPID public key for browsers to subscribe with, the
 * stored subscriptions, and the notifier that sends when a task ends or opens a pull request. Built
 * once per node; thread-safe; {@link #close} once.
 */
public final class Push implements AutoCloseable {
  private final PushSettings settings;
  private final String publicKey;
  private final PushSubscriptions subscriptions;
  private final PushSender sender;
  private final PushNotifier notifier;
  private final AutoCloseable observation;

  private Push(
      PushSettings settings,
      VapidKeys keys,
      Database database,
      EventHub hub,
      TaskQueue queue,
      Resolver resolver,
      Clock clock) {
    this.settings = settings;
    this.publicKey = ServerKeys.publicKey(keys);
    this.subscriptions = new PushSubscriptions(database, clock);
    this.sender =
        new PushSender(new WebPush(settings.subject(), keys), resolver, settings.allowLoopback());
    this.notifier = new PushNotifier(queue, subscriptions, sender, publicKey);
    this.observation = hub.observe(notifier::onEvent);
  }

  /**
   * Loads (or generates into {@code dataDir}) the VAPID keys and starts notifying about the tasks
   * {@code hub} publishes; push services' names are resolved through {@code resolver}.
   */
  public static Push start(
      PushSettings settings,
      Path dataDir,
      Database database,
      EventHub hub,
      TaskQueue queue,
      Resolver resolver,
      Clock clock) {
    return new Push(
        settings, ServerKeys.load(settings, dataDir), database, hub, queue, resolver, clock);
  }

  /** The VAPID public key, base64url, as {@code PushManager.subscribe} takes it. */
  public String publicKey() {
    return publicKey;
  }

  /** Stores a browser's subscription for the user; the request is checked here. */
  public Subscription subscribe(long userId, String endpoint, String p256dh, String auth) {
    return subscriptions.add(
        userId,
        SubscriptionRequest.of(endpoint, p256dh, auth, settings.allowLoopback()),
        publicKey);
  }

  public PushSubscriptions subscriptions() {
    return subscriptions;
  }

  @Override
  public void close() {
    try {
      observation.close();
    } catch (Exception e) {
      // Removing an observer does not fail.
    }
    notifier.close();
    sender.close();
  }
}
