package dev.dockhand.web;

import dev.dockhand.agent.Ceilings;
import dev.dockhand.auth.AuthSettings;
import dev.dockhand.git.GitSettings;
import java.net.URI;
import java.util.Optional;

/**
 * What the HTTP server takes from the configuration (the composition root picks it out).
 *
 * @param host DOCKHAND_HOST: the address the server listens on
 * @param port DOCKHAND_PORT (0 picks a free port)
 * @param publicUrl DOCKHAND_PUBLIC_URL: the URL people reach the server at (links, OAuth callback,
 *     cookie security)
 * @param limits the caps on requests and WebSocket traffic
 * @param streams the caps on open realtime streams
 * @param auth the submit rate and the trusted proxies
 * @param git where the repository picker asks GitHub
 * @param egressUserAdd DOCKHAND_EGRESS_USER_ADD: whether a submit may add hosts to the allowlist
 * @param ceilings what one submitted task may ask for at most
 */
public record ServerSettings(
    String host,
    int port,
    Optional<URI> publicUrl,
    WebLimits limits,
    StreamCaps streams,
    AuthSettings auth,
    GitSettings git,
    boolean egressUserAdd,
    Ceilings ceilings) {}
