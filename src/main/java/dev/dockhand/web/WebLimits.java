package dev.dockhand.web;

import dev.dockhand.config.Env;
import java.time.Duration;

/**
 * Caps that protect the server from clients; the defaults suit a phone on a slow network and a few
 * hundred watchers. Tests lower them through the same keys to reach the edges quickly.
 *
 * @param maxBodyBytes DOCKHAND_MAX_BODY_KB (default 256 KiB): request bodies over this are refused
 *     with 413
 * @param maxPromptChars DOCKHAND_MAX_PROMPT_CHARS (default 100,000): the longest prompt or
 *     follow-up message
 * @param wsMaxMessageBytes DOCKHAND_WS_MAX_MESSAGE_KB (default 64 KiB): a WebSocket message over
 *     this closes the connection with 1009
 * @param wsMessagesPerSecond DOCKHAND_WS_MESSAGES_PER_SECOND (default 20): client messages per
 *     connection per second, sustained
 * @param wsMessageBurst DOCKHAND_WS_MESSAGE_BURST (default 50): client messages a connection may
 *     send at once
 * @param outboundMaxFrames DOCKHAND_OUTBOUND_MAX_FRAMES (default 10,000): frames queued to one
 *     connection before it is dropped as too slow
 * @param outboundMaxBytes DOCKHAND_OUTBOUND_MAX_KB (default 8 MiB): bytes queued to one connection
 *     before it is dropped
 * @param slowClientGrace DOCKHAND_SLOW_CLIENT_GRACE (default 5s): how long a dropped slow client
 *     gets to read its close frame before the socket is cut
 * @param pingInterval DOCKHAND_PING_INTERVAL (default 15s): server WebSocket pings and SSE
 *     keep-alive comments; a WebSocket silent for four intervals is closed
 * @param maxSubscriptions DOCKHAND_WS_MAX_SUBSCRIPTIONS (default 100): task subscriptions per
 *     WebSocket connection
 */
public record WebLimits(
    int maxBodyBytes,
    int maxPromptChars,
    int wsMaxMessageBytes,
    int wsMessagesPerSecond,
    int wsMessageBurst,
    int outboundMaxFrames,
    long outboundMaxBytes,
    Duration slowClientGrace,
    Duration pingInterval,
    int maxSubscriptions) {
  public static final String MAX_BODY_KB = "DOCKHAND_MAX_BODY_KB";
  public static final String MAX_PROMPT_CHARS = "DOCKHAND_MAX_PROMPT_CHARS";
  public static final String WS_MAX_MESSAGE_KB = "DOCKHAND_WS_MAX_MESSAGE_KB";
  public static final String WS_MESSAGES_PER_SECOND = "DOCKHAND_WS_MESSAGES_PER_SECOND";
  public static final String WS_MESSAGE_BURST = "DOCKHAND_WS_MESSAGE_BURST";
  public static final String OUTBOUND_MAX_FRAMES = "DOCKHAND_OUTBOUND_MAX_FRAMES";
  public static final String OUTBOUND_MAX_KB = "DOCKHAND_OUTBOUND_MAX_KB";
  public static final String SLOW_CLIENT_GRACE = "DOCKHAND_SLOW_CLIENT_GRACE";
  public static final String PING_INTERVAL = "DOCKHAND_PING_INTERVAL";
  public static final String WS_MAX_SUBSCRIPTIONS = "DOCKHAND_WS_MAX_SUBSCRIPTIONS";

  /** Bytes in the kibibytes the {@code _KB} keys are written in. */
  public static final int KIB = 1024;

  public static final WebLimits DEFAULTS =
      new WebLimits(
          256 * KIB,
          100_000,
          64 * KIB,
          20,
          50,
          10_000,
          8L * 1024 * KIB,
          Duration.ofSeconds(5),
          Duration.ofSeconds(15),
          100);

  public static WebLimits from(Env env) {
    WebLimits d = DEFAULTS;
    Duration shortest = Duration.ofMillis(100);
    return new WebLimits(
        env.integer(MAX_BODY_KB, d.maxBodyBytes / KIB, 1, 1024 * 1024) * KIB,
        env.integer(MAX_PROMPT_CHARS, d.maxPromptChars, 1, 10_000_000),
        env.integer(WS_MAX_MESSAGE_KB, d.wsMaxMessageBytes / KIB, 1, 64 * 1024) * KIB,
        env.integer(WS_MESSAGES_PER_SECOND, d.wsMessagesPerSecond, 1, 10_000),
        env.integer(WS_MESSAGE_BURST, d.wsMessageBurst, 1, 100_000),
        env.integer(OUTBOUND_MAX_FRAMES, d.outboundMaxFrames, 1, 10_000_000),
        env.longValue(OUTBOUND_MAX_KB, d.outboundMaxBytes / KIB, 1, 4L * 1024 * 1024) * KIB,
        env.duration(SLOW_CLIENT_GRACE, d.slowClientGrace, shortest, Duration.ofMinutes(5)),
        env.duration(PING_INTERVAL, d.pingInterval, shortest, Duration.ofMinutes(10)),
        env.integer(WS_MAX_SUBSCRIPTIONS, d.maxSubscriptions, 1, 100_000));
  }
}
