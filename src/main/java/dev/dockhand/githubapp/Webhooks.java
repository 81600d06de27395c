package dev.dockhand.githubapp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The door of {@code POST /webhooks/github}: checks the signature over the raw body before anything
 * else looks at it, then stores the delivery once by its id and wakes the worker, so GitHub is
 * answered at once and the work happens after. Thread-safe.
 */
public final class Webhooks {
  /** The most of a delivery read; GitHub's own cap is 25 MB, the events handled here are small. */
  public static final int MAX_BODY_BYTES = 1024 * 1024;

  /** The events acted on; others (installation, push…) are answered and dropped. */
  static final Set<String> EVENTS =
      Set.of(
          "issues",
          "issue_comment",
          "pull_request_review",
          "pull_request_review_comment",
          "check_suite",
          "workflow_run");

  private static final Pattern DELIVERY_ID = Pattern.compile("[A-Za-z0-9-]{1,100}");
  private static final Pattern EVENT = Pattern.compile("[a-z_]{1,50}");

  /** What became of a delivery, and the HTTP status GitHub is answered with. */
  public enum Receipt {
    /** Stored; the worker will handle it. */
    QUEUED(202),
    /** This delivery id was stored before: nothing more is done. */
    DUPLICATE(200),
    /** Signed, but an event (or a ping) that asks for no work. */
    IGNORED(200),
    /** No signature, or not the one the webhook secret makes. */
    FORGED(401),
    /** Signed, but without a delivery id or event name, or not a JSON object. */
    MALFORMED(400);

    private final int status;

    Receipt(int status) {
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private final WebhookSignature signature;
  private final Deliveries deliveries;
  private final Runnable wake;

  Webhooks(WebhookSignature signature, Deliveries deliveries, Runnable wake) {
    this.signature = signature;
    this.deliveries = deliveries;
    this.wake = wake;
  }

  /** Receives one delivery: the headers GitHub sends and the body exactly as read. */
  public Receipt receive(
      Optional<String> event, Optional<String> deliveryId, Optional<String> signed, byte[] body) {
    if (!signature.matches(signed, body)) {
      return Receipt.FORGED;
    }
    if (deliveryId.filter(id -> DELIVERY_ID.matcher(id).matches()).isEmpty()
        || event.filter(name -> EVENT.matcher(name).matches()).isEmpty()) {
      return Receipt.MALFORMED;
    }
    if (!EVENTS.contains(event.get())) {
      return Receipt.IGNORED;
    }
    JsonNode payload;
    try {
      payload = Json.MAPPER.readTree(body);
    } catch (IOException notJson) {
      return Receipt.MALFORMED;
    }
    if (payload == null || !payload.isObject()) {
      return Receipt.MALFORMED;
    }
    if (!deliveries.record(
        deliveryId.get(), event.get(), new String(body, StandardCharsets.UTF_8))) {
      return Receipt.DUPLICATE;
    }
    wake.run();
    return Receipt.QUEUED;
  }
}
