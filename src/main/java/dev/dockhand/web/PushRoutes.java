package dev.dockhand.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockhand.InvalidInputException;
import dev.dockhand.Json;
import dev.dockhand.NotFoundException;
import dev.dockhand.push.Push;
import dev.dockhand.push.Subscription;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * {@code /api/v1/push/…}: the VAPID public key, and the caller's browsers subscribing and
 * unsubscribing (DESIGN, "HTTP API"). Without push on this server every route is 404.
 */
final class PushRoutes {
  private final Authentication authentication;
  private final Optional<Push> push;
  private final int maxBodyBytes;

  PushRoutes(Authentication authentication, Optional<Push> push, int maxBodyBytes) {
    this.authentication = authentication;
    this.push = push;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/v1/push/key", this::key);
    routes.post("/api/v1/push/subscriptions", this::subscribe);
    routes.delete("/api/v1/push/subscriptions/{id}", this::unsubscribe);
  }

  private Push push() {
    return push.orElseThrow(() -> new NotFoundException("push", "(off on this server)"));
  }

  private void key(Context ctx) {
    authentication.require(ctx);
    ctx.json(Json.MAPPER.createObjectNode().put("publicKey", push().publicKey()));
  }

  /** {@code PushSubscription.toJSON()}: {@code {endpoint, keys: {p256dh, auth}}}. */
  private void subscribe(Context ctx) {
    Caller caller = authentication.require(ctx);
    Push service = push();
    JsonBody body = JsonBody.read(ctx, maxBodyBytes);
    String endpoint = body.requiredText("endpoint");
    JsonNode keys =
        body.optionalObject("keys")
            .orElseThrow(() -> new InvalidInputException("keys", "keys is required"));
    Subscription subscription =
        service.subscribe(caller.userId(), endpoint, text(keys, "p256dh"), text(keys, "auth"));
    ObjectNode answer = Json.MAPPER.createObjectNode();
    answer.put("id", subscription.id());
    answer.put("endpoint", subscription.endpoint().toString());
    answer.put("createdAt", subscription.createdAt().toString());
    ctx.status(201).json(answer);
  }

  private static String text(JsonNode keys, String name) {
    JsonNode value = keys.get(name);
    if (value == null || !value.isTextual()) {
      throw new InvalidInputException("keys." + name, "keys." + name + " is required (a string)");
    }
    return value.asText();
  }

  private void unsubscribe(Context ctx) {
    Caller caller = authentication.require(ctx);
    push().subscriptions().remove(caller.userId(), ctx.pathParam("id"));
    ctx.status(204);
  }
}
