package dev.dockhand.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsCloseContext;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsMessageContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/v1/ws}. Authentication and the Origin check happen before the upgrade, so a
 * refused client never holds a socket. Browsers, which cannot set headers on a WebSocket, may offer
 * the subprotocols {@code dockhand} and {@code dockhand.bearer.<token>}; the server then answers
 * {@code Sec-WebSocket-Protocol: dockhand} (never echoing the token). Connections count against the
 * caller's and the address's {@link StreamCaps}. Thread-safe.
 */
final class LiveSocket {
  static final String PATH = "/api/v1/ws";
  private static final String ADDRESS = "dockhand.address";
  private static final int TRY_AGAIN_LATER = 1013;

  private final Authentication authentication;
  private final LiveConnection.LiveParts parts;
  private final ScheduledExecutorService timer;
  private final ConcurrentHashMap<String, LiveConnection> connections = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, WsContext> sockets = new ConcurrentHashMap<>();
  private final StreamSlots slots;
  private final ConcurrentHashMap<String, StreamSlots.Slot> held = new ConcurrentHashMap<>();

  LiveSocket(
      Authentication authentication,
      LiveConnection.LiveParts parts,
      ScheduledExecutorService timer,
      StreamSlots slots) {
    this.authentication = authentication;
    this.parts = parts;
    this.timer = timer;
    this.slots = slots;
  }

  void register(RoutesConfig routes) {
    routes.wsBeforeUpgrade(PATH, this::beforeUpgrade);
    routes.ws(
        PATH,
        ws -> {
          ws.onConnect(this::connected);
          ws.onMessage(this::message);
          ws.onBinaryMessage(
              ctx -> ctx.send(Frames.error("invalid", "binary messages are not understood")));
          ws.onClose(this::closed);
          ws.onError(ctx -> forget(ctx));
        });
  }

  private void beforeUpgrade(Context ctx) {
    Caller caller = authentication.require(ctx);
    authentication.checkWebSocketOrigin(ctx, caller);
    ctx.attribute(ADDRESS, slots.check(ctx, caller.userId()));
    String offered = ctx.header("Sec-WebSocket-Protocol");
    if (offered == null) {
      return;
    }
    boolean ours =
        List.of(offered.split(",")).stream()
            .map(String::trim)
            .anyMatch(
                protocol ->
                    protocol.equals(Authentication.PROTOCOL)
                        || protocol.startsWith(Authentication.BEARER_PROTOCOL_PREFIX));
    // Javalin echoes the first offered protocol, which could be the token itself.
    if (ours) {
      ctx.header("Sec-WebSocket-Protocol", Authentication.PROTOCOL);
    } else {
      ctx.removeHeader("Sec-WebSocket-Protocol");
    }
  }

  private void connected(WsConnectContext ctx) {
    Caller caller = ctx.attribute(Authentication.ATTRIBUTE);
    if (caller == null) {
      ctx.closeSession(LiveConnection.POLICY_VIOLATION, "unauthenticated");
      return;
    }
    String address = ctx.attribute(ADDRESS);
    Optional<StreamSlots.Slot> slot =
        slots.tryAcquire(caller.userId(), address == null ? "unknown" : address);
    if (slot.isEmpty()) {
      ctx.closeSession(TRY_AGAIN_LATER, "too many live connections");
      return;
    }
    held.put(ctx.sessionId(), slot.get());
    Outbox outbox = new Outbox(ctx.session, parts.limits(), parts.metrics(), timer);
    connections.put(ctx.sessionId(), new LiveConnection(caller, outbox, parts));
    sockets.put(ctx.sessionId(), ctx);
    parts.metrics().wsOpened();
    ctx.enableAutomaticPings(parts.limits().pingInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void message(WsMessageContext ctx) {
    LiveConnection connection = connections.get(ctx.sessionId());
    if (connection == null) {
      return;
    }
    int closeCode = connection.onMessage(ctx.message());
    if (closeCode != 0) {
      ctx.closeSession(closeCode, "too many messages");
    }
  }

  private void closed(WsCloseContext ctx) {
    forget(ctx);
  }

  private void forget(WsContext ctx) {
    sockets.remove(ctx.sessionId());
    StreamSlots.Slot slot = held.remove(ctx.sessionId());
    if (slot != null) {
      slot.close();
    }
    LiveConnection connection = connections.remove(ctx.sessionId());
    if (connection != null) {
      ctx.disableAutomaticPings();
      connection.close();
      parts.metrics().wsClosed();
    }
  }

  /** The user was disabled: end their sockets on this node (1008, policy violation). */
  void closeUser(long userId) {
    for (var entry : connections.entrySet()) {
      WsContext socket = sockets.get(entry.getKey());
      if (entry.getValue().userId() == userId && socket != null) {
        try {
          socket.closeSession(LiveConnection.POLICY_VIOLATION, "account disabled");
        } catch (RuntimeException e) {
          // Already gone.
        }
        forget(socket);
      }
    }
  }

  /** Server shutdown: tell every client to come back later (1001 going away). */
  void closeAll() {
    List<WsContext> open = new ArrayList<>(sockets.values());
    for (WsContext socket : open) {
      try {
        socket.closeSession(1001, "server shutting down");
      } catch (RuntimeException e) {
        // Already gone.
      }
      forget(socket);
    }
  }
}
