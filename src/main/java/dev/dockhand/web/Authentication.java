package dev.dockhand.web;

import dev.dockhand.auth.Auth;
import dev.dockhand.auth.Scope;
import dev.dockhand.auth.User;
import io.javalin.http.Context;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Identifies callers from {@code Authorization: Bearer}, a WebSocket subprotocol carrying the
 * token, or the session cookie; refuses cookie-borne requests that another site made the browser
 * send, and requests the credential's scope does not allow. Thread-safe.
 */
final class Authentication {
  static final String ATTRIBUTE = "dockhand.caller";

  /** Browsers cannot set headers on a WebSocket, so the token may ride as a subprotocol. */
  static final String BEARER_PROTOCOL_PREFIX = "dockhand.bearer.";

  static final String PROTOCOL = "dockhand";
  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
  private static final Set<String> READ_METHODS = Set.of("GET", "HEAD");

  private final Auth auth;
  private final HostCookie cookie;
  private final Optional<String> publicOrigin;

  Authentication(Auth auth, HostCookie cookie, Optional<URI> publicUrl) {
    this.auth = auth;
    this.cookie = cookie;
    this.publicOrigin = publicUrl.map(Authentication::origin);
  }

  /** The caller, or 401. A bad bearer token is 401 even when a cookie is also present. */
  Caller require(Context ctx) {
    Caller known = ctx.attribute(ATTRIBUTE);
    if (known != null) {
      return known;
    }
    Caller caller = identify(ctx).orElseThrow(ApiException::unauthenticated);
    ctx.attribute(ATTRIBUTE, caller);
    return caller;
  }

  /** Every {@code /api/v1} request: a caller, from our own pages if by cookie, within scope. */
  void check(Context ctx) {
    Caller caller = require(ctx);
    checkNotCrossSite(ctx, caller);
    if (!caller.scope().covers(Scope.WRITE) && !READ_METHODS.contains(ctx.method().name())) {
      throw ApiException.forbidden(
          "this token has scope read, which may only read (GET); "
              + ctx.method().name()
              + " needs a token of scope write");
    }
  }

  /** A session cookie acts as write, or as admin for an admin; it does not expire on a date. */
  Caller session(User user) {
    return new Caller(user, auth.widestScope(user), Optional.empty(), true);
  }

  private Optional<Caller> identify(Context ctx) {
    Optional<String> bearer = bearer(ctx);
    if (bearer.isPresent()) {
      return auth.byToken(bearer.get())
          .map(token -> new Caller(token.user(), token.scope(), token.expiresAt(), false));
    }
    return cookie.read(ctx).flatMap(auth::bySession).map(this::session);
  }

  private static Optional<String> bearer(Context ctx) {
    String header = ctx.header("Authorization");
    if (header != null) {
      return Optional.of(
          header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "");
    }
    String protocols = ctx.header("Sec-WebSocket-Protocol");
    if (protocols != null) {
      for (String protocol : protocols.split(",")) {
        String trimmed = protocol.trim();
        if (trimmed.startsWith(BEARER_PROTOCOL_PREFIX)) {
          return Optional.of(trimmed.substring(BEARER_PROTOCOL_PREFIX.length()));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Refuses a state-changing request authenticated by cookie unless it comes from our own pages:
   * its {@code Origin} must be ours, or, without one, {@code Sec-Fetch-Site} must say same-origin.
   */
  void checkNotCrossSite(Context ctx, Caller caller) {
    if (!caller.viaCookie() || SAFE_METHODS.contains(ctx.method().name())) {
      return;
    }
    String origin = ctx.header("Origin");
    if (origin != null) {
      if (!ownOrigin(ctx, origin)) {
        throw ApiException.forbidden("cross-site request refused");
      }
      return;
    }
    String fetchSite = ctx.header("Sec-Fetch-Site");
    if (fetchSite != null && !Set.of("same-origin", "none").contains(fetchSite)) {
      throw ApiException.forbidden("cross-site request refused");
    }
  }

  /**
   * Whether a request that brings no credential yet (a sign-in) comes from our own pages: its
   * {@code Origin} is ours, or, without one, {@code Sec-Fetch-Site} says same-origin.
   */
  boolean fromOwnPages(Context ctx) {
    String origin = ctx.header("Origin");
    return origin != null
        ? ownOrigin(ctx, origin)
        : "same-origin".equals(ctx.header("Sec-Fetch-Site"));
  }

  /**
   * The WebSocket rule, stricter than the HTTP one: a cookie session must show an Origin that is
   * ours (browsers always send one on WebSocket upgrades, and {@code null} is never ours).
   */
  void checkWebSocketOrigin(Context ctx, Caller caller) {
    if (!caller.viaCookie()) {
      return;
    }
    String origin = ctx.header("Origin");
    if (origin == null || !ownOrigin(ctx, origin)) {
      throw ApiException.forbidden("WebSocket origin refused");
    }
  }

  /** DOCKHAND_PUBLIC_URL's origin when set, else the origin the request was addressed to. */
  private boolean ownOrigin(Context ctx, String origin) {
    String expected =
        publicOrigin.orElseGet(
            () -> ctx.scheme() + "://" + Optional.ofNullable(ctx.header("Host")).orElse(""));
    return origin.toLowerCase(Locale.ROOT).equals(expected.toLowerCase(Locale.ROOT));
  }

  static String origin(URI url) {
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    int port = url.getPort();
    boolean defaultPort =
        port == -1
            || (scheme.equals("https") && port == 443)
            || (scheme.equals("http") && port == 80);
    return scheme
        + "://"
        + url.getHost().toLowerCase(Locale.ROOT)
        + (defaultPort ? "" : ":" + port);
  }
}
