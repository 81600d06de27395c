package dev.dockhand.web;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The login cookie. Behind HTTPS (DOCKHAND_PUBLIC_URL is https) it is {@code
 * __Host-dockhand_session}: Secure, Path=/ and no Domain, so no other host or plain-http page can
 * set or read it. Over plain http it is {@code dockhand_session}, because browsers reject a
 * {@code __Host-} cookie that is not Secure. Always HttpOnly and SameSite=Lax.
 */
final class SessionCookie {
  static final String SECURE_NAME = "__Host-dockhand_session";
  static final String PLAIN_NAME = "dockhand_session";

  private final boolean secure;

  SessionCookie(Optional<URI> publicUrl) {
    this.secure = publicUrl.map(url -> "https".equals(url.getScheme())).orElse(false);
  }

  String name() {
    return secure ? SECURE_NAME : PLAIN_NAME;
  }

  Optional<String> read(Context ctx) {
    return Optional.ofNullable(ctx.cookie(name())).filter(value -> !value.isEmpty());
  }

  void set(Context ctx, String sessionId, Duration ttl) {
    ctx.cookie(cookie(sessionId, (int) Math.min(Integer.MAX_VALUE, ttl.toSeconds())));
  }

  void clear(Context ctx) {
    ctx.cookie(cookie("", 0));
  }

  private Cookie cookie(String value, int maxAgeSeconds) {
    Cookie cookie = new Cookie(name(), value);
    cookie.setPath("/");
    cookie.setMaxAge(maxAgeSeconds);
    cookie.setSecure(secure);
    cookie.setHttpOnly(true);
    cookie.setSameSite(SameSite.LAX);
    return cookie;
  }
}
