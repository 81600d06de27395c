package dev.dockhand.web;

import java.time.Duration;

/**
 * Caps that protect the server from clients; the defaults suit a phone on a slow network and a
 * few hundred watchers. Tests lower them to reach the edges quickly.
 *
 * @param maxBodyBytes request bodies over this are refused with 413 (default 256 KiB)
 * @param maxPromptChars the longest prompt or follow-up message (default 100,000)
 * @param wsMaxMessageBytes a WebSocket message over this closes the connection with 1009 (default
 *     64 KiB)
 * @param wsMessagesPerSecond client messages per connection per second, sustained (default 20)
 * @param wsMessageBurst client messages a connection may send at once (default 50)
 * @param outboundMaxFrames frames queued to one connection before it is dropped as too slow
 *     (default 10,000)
 * @param outboundMaxBytes bytes queued to one connection before it is dropped (default 8 MiB)
 * @param slowClientGrace how long a dropped slow client gets to read its close frame before the
 *     socket is cut (default 5 s)
 * @param pingInterval server WebSocket pings and SSE keep-alive comments (default 15 s)
 * @param maxSubscriptions task subscriptions per WebSocket connection (default 100)
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

  public static final WebLimits DEFAULTS =
      new WebLimits(
          256 * 1024,
          100_000,
          64 * 1024,
          20,
          50,
          10_000,
          8L * 1024 * 1024,
          Duration.ofSeconds(5),
          Duration.ofSeconds(15),
          100);

  public WebLimits withOutbound(int frames, long bytes) {
    return new WebLimits(
        maxBodyBytes, maxPromptChars, wsMaxMessageBytes, wsMessagesPerSecond, wsMessageBurst,
        frames, bytes, slowClientGrace, pingInterval, maxSubscriptions);
  }
}
