package dev.dockhand.web;

import dev.dockhand.config.Env;

/**
 * How many live streams, WebSocket connections and SSE event streams counted together, one person
 * and one client address may hold open on this node. A stream over either cap is refused with 429
 * before the upgrade or the stream starts; its slot is freed when it ends, however it ends.
 *
 * @param perUser DOCKHAND_MAX_STREAMS_PER_USER (default 20): a phone, a laptop and a few tabs each
 *     hold one or two
 * @param perAddress DOCKHAND_MAX_STREAMS_PER_ADDRESS (default 50): per caller address as read
 *     through DOCKHAND_TRUSTED_PROXIES, so people behind one NAT share it
 */
public record StreamCaps(int perUser, int perAddress) {
  public static final String PER_USER = "DOCKHAND_MAX_STREAMS_PER_USER";
  public static final String PER_ADDRESS = "DOCKHAND_MAX_STREAMS_PER_ADDRESS";

  public static StreamCaps from(Env env) {
    return new StreamCaps(
        env.integer(PER_USER, 20, 1, 100_000), env.integer(PER_ADDRESS, 50, 1, 1_000_000));
  }
}
