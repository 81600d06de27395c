package dev.dockhand.egress;

/**
 * Hears about refused destinations, aggregated: the first refusal of a host and port at once with
 * {@code count} 1, later ones with their running total at most once per interval, and a last report
 * when the proxy closes. Calls come one at a time and in order for the whole proxy, so an
 * implementation should be quick (append an event, not wait on the network).
 */
@FunctionalInterface
public interface BlockedListener {
  BlockedListener NONE = (host, port, count) -> {};

  /**
   * @param host the refused host as the proxy normalised it (lower-case ASCII name or address
   *     literal, no brackets)
   * @param port the refused port
   * @param count how many times it has been refused in this proxy's life so far
   */
  void blocked(String host, int port, long count);
}
