package dev.dockhand.egress;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aggregates refusals before they reach the {@link BlockedListener}, so a container retrying a
 * refused host in a loop makes a handful of events, not thousands: the first refusal of a host and
 * port is reported at once; later ones are counted and their total reported at most once per {@code
 * interval} (by {@link #record} or by the proxy's periodic {@link #flushDue}); {@link #close}
 * reports any total not yet reported. At most {@link #MAX_TRACKED} distinct destinations are
 * tracked; refusals of further ones are still refused, only not reported. Thread-safe: the listener
 * is called under one lock, one report at a time and in order.
 */
final class BlockedHosts implements AutoCloseable {
  static final int MAX_TRACKED = 100;
  private static final Logger log = LoggerFactory.getLogger(BlockedHosts.class);

  private final BlockedListener listener;
  private final Clock clock;
  private final Duration interval;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Tally> tallies = new LinkedHashMap<>();
  private boolean overflowLogged;

  BlockedHosts(BlockedListener listener, Clock clock, Duration interval) {
    this.listener = listener;
    this.clock = clock;
    this.interval = interval;
  }

  /** Counts one refusal of {@code host:port}, reporting it if it is new or its interval passed. */
  void record(String host, int port) {
    lock.lock();
    try {
      String key = host + " " + port;
      Tally tally = tallies.get(key);
      if (tally == null) {
        if (tallies.size() >= MAX_TRACKED) {
          if (!overflowLogged) {
            overflowLogged = true;
            log.warn(
                "egress: over {} distinct destinations refused; later ones are not reported",
                MAX_TRACKED);
          }
          return;
        }
        tally = new Tally(host, port);
        tallies.put(key, tally);
      }
      tally.count++;
      if (tally.reportedAt == null || due(tally)) {
        report(tally);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Reports every total that changed and whose interval has passed. */
  void flushDue() {
    lock.lock();
    try {
      for (Tally tally : tallies.values()) {
        if (tally.count != tally.reported && due(tally)) {
          report(tally);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Reports every total not yet reported, whatever the interval says. */
  @Override
  public void close() {
    lock.lock();
    try {
      for (Tally tally : tallies.values()) {
        if (tally.count != tally.reported) {
          report(tally);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private boolean due(Tally tally) {
    return !clock.instant().isBefore(tally.reportedAt.plus(interval));
  }

  private void report(Tally tally) {
    tally.reported = tally.count;
    tally.reportedAt = clock.instant();
    try {
      listener.blocked(tally.host, tally.port, tally.count);
    } catch (RuntimeException e) {
      log.warn("egress: the blocked-host listener failed: {}", e.toString());
    }
  }

  private static final class Tally {
    final String host;
    final int port;
    long count;
    long reported;
    Instant reportedAt;

    Tally(String host, int port) {
      this.host = host;
      this.port = port;
    }
  }
}
