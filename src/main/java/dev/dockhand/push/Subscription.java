package dev.dockhand.push;

import java.net.URI;
import java.time.Instant;

/**
 * One browser's push subscription, as stored: where to send ({@code endpoint}), the keys to encrypt
 * to (base64url), and the VAPID public key it was made for ({@code serverKey}).
 */
public record Subscription(
    String id,
    long userId,
    URI endpoint,
    String p256dh,
    String auth,
    String serverKey,
    Instant createdAt) {}
