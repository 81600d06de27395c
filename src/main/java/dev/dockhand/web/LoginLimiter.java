package dev.dockhand.web;

import dev.dockhand.egress.IpLiteral;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per client address for {@code /auth/github/login}, which anyone may call and each
 * call stores a login state: {@link #BURST} at once, then {@link #PER_MINUTE} sustained. IPv6
 * addresses count per /64, the block one subscriber usually holds. At most {@code maxAddresses}
 * buckets are kept, least recently used dropped first, so many addresses cannot grow memory; a
 * dropped bucket only forgets that address's recent starts. In memory, per node. Thread-safe.
 */
final class LoginLimiter {
  static final int PER_MINUTE = 10;
  static final int BURST = 20;
  static final int MAX_ADDRESSES = 10_000;

  private final Clock clock;
  private final double tokensPerMilli = PER_MINUTE / 60_000.0;
  private final Map<String, Bucket> buckets;

  LoginLimiter(Clock clock) {
    this(clock, MAX_ADDRESSES);
  }

  LoginLimiter(Clock clock, int maxAddresses) {
    this.clock = clock;
    this.buckets =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > maxAddresses;
          }
        };
  }

  /** Takes a token for the address, or throws 429 saying when the next one will be there. */
  void acquire(String address) {
    long now = clock.millis();
    String key = key(address);
    double left;
    synchronized (buckets) {
      Bucket bucket = refill(buckets.get(key), now);
      if (bucket.tokens() >= 1) {
        buckets.put(key, new Bucket(bucket.tokens() - 1, bucket.at()));
        return;
      }
      buckets.put(key, bucket);
      left = bucket.tokens();
    }
    long waitMillis = (long) Math.ceil((1 - left) / tokensPerMilli);
    throw ApiException.rateLimited(
        "too many sign-in attempts from your address; try again later",
        Duration.ofMillis(waitMillis));
  }

  private Bucket refill(Bucket old, long now) {
    if (old == null) {
      return new Bucket(BURST, now);
    }
    double tokens = Math.min(BURST, old.tokens() + Math.max(0, now - old.at()) * tokensPerMilli);
    return new Bucket(tokens, Math.max(now, old.at()));
  }

  private static String key(String address) {
    return IpLiteral.parse(address)
        .filter(parsed -> parsed.getAddress().length == 16)
        .map(LoginLimiter::slash64)
        .orElse(address);
  }

  private static String slash64(InetAddress address) {
    byte[] bytes = Arrays.copyOf(address.getAddress(), 16);
    Arrays.fill(bytes, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private record Bucket(double tokens, long at) {}
}
