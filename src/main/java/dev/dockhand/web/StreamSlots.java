package dev.dockhand.web;

import io.javalin.http.Context;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts this node's live streams per person and per client address against {@link StreamCaps}.
 * Thread-safe.
 */
final class StreamSlots {
  private static final Duration RETRY_AFTER = Duration.ofSeconds(10);

  private final StreamCaps caps;
  private final ClientAddress addresses;
  private final Map<Long, Integer> byUser = new HashMap<>();
  private final Map<String, Integer> byAddress = new HashMap<>();

  StreamSlots(StreamCaps caps, ClientAddress addresses) {
    this.caps = caps;
    this.addresses = addresses;
  }

  /**
   * Refuses the request with 429 when its caller or its address holds all their slots, taking none
   * (a WebSocket takes its slot once connected, so a failed upgrade holds nothing); returns the
   * address.
   */
  String check(Context ctx, long userId) {
    String address = addresses.of(ctx);
    synchronized (this) {
      refuseIfFull(userId, address);
    }
    return address;
  }

  /** Takes a slot for the request's stream, or refuses as {@link #check} does. */
  Slot acquire(Context ctx, long userId) {
    String address = addresses.of(ctx);
    synchronized (this) {
      refuseIfFull(userId, address);
      return take(userId, address);
    }
  }

  /** Takes a slot for a connected WebSocket; empty if another stream took the last one. */
  synchronized Optional<Slot> tryAcquire(long userId, String address) {
    try {
      refuseIfFull(userId, address);
    } catch (ApiException full) {
      return Optional.empty();
    }
    return Optional.of(take(userId, address));
  }

  private void refuseIfFull(long userId, String address) {
    if (byUser.getOrDefault(userId, 0) >= caps.perUser()) {
      throw refused(
          "you have "
              + caps.perUser()
              + " live connections open (WebSocket and event streams together, "
              + StreamCaps.PER_USER
              + "); close one first");
    }
    if (byAddress.getOrDefault(address, 0) >= caps.perAddress()) {
      throw refused(
          "your address has "
              + caps.perAddress()
              + " live connections open ("
              + StreamCaps.PER_ADDRESS
              + "); close one first");
    }
  }

  private Slot take(long userId, String address) {
    byUser.merge(userId, 1, Integer::sum);
    byAddress.merge(address, 1, Integer::sum);
    return new Slot(userId, address);
  }

  private synchronized void release(long userId, String address) {
    byUser.computeIfPresent(userId, (id, count) -> count > 1 ? count - 1 : null);
    byAddress.computeIfPresent(address, (key, count) -> count > 1 ? count - 1 : null);
  }

  private static ApiException refused(String message) {
    return new ApiException(429, "too_many_streams", message, Optional.of(RETRY_AFTER));
  }

  /** One stream's place; closing it again does nothing. */
  final class Slot implements AutoCloseable {
    private final long userId;
    private final String address;
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(long userId, String address) {
      this.userId = userId;
      this.address = address;
    }

    @Override
    public void close() {
      if (released.compareAndSet(false, true)) {
        release(userId, address);
      }
    }
  }
}
