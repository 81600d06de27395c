package dev.dockhand.bench.web;

import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * The baseline: a minimal Jetty 12 WebSocket server that sends each message to every open
 * session, with nothing in between (no store, no auth, no per-client bound).
 */
final class BareJettyBroadcast implements AutoCloseable {
  private final Server server = new Server();
  private final ServerConnector connector = new ServerConnector(server);
  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();

  BareJettyBroadcast() throws Exception {
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(
        WebSocketUpgradeHandler.from(
            server,
            container ->
                container.addMapping(
                    "/ws",
                    (request, response, callback) -> new Listener(sessions))));
    server.start();
  }

  URI url() {
    return URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/ws");
  }

  int sessions() {
    return sessions.size();
  }

  void broadcast(String message) {
    for (Session session : sessions) {
      session.sendText(message, Callback.NOOP);
    }
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  /** Public: Jetty binds listener methods through method handles. */
  public static final class Listener extends Session.Listener.AbstractAutoDemanding {
    private final Set<Session> sessions;

    Listener(Set<Session> sessions) {
      this.sessions = sessions;
    }

    @Override
    public void onWebSocketOpen(Session session) {
      super.onWebSocketOpen(session);
      sessions.add(session);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      // Clients going away at the end of a run.
    }

    @Override
    public void onWebSocketClose(int status, String reason, Callback callback) {
      sessions.remove(getSession());
      super.onWebSocketClose(status, reason, callback);
    }
  }
}
