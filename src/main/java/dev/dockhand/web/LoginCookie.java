package dev.dockhand.web;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The cookie that binds a login in flight to the browser that began it: a random nonce, set by
 * {@code /auth/github/login} and spent by the callback, which refuses a state whose stored hash
 * does not match it. Named and flagged like {@link SessionCookie} ({@code __Host-dockhand_login}
 * behind HTTPS, {@code dockhand_login} over plain http); SameSite=Lax, so GitHub's redirect back (a
 * top-level GET) carries it. Lives as long as a login state does.
 */
final class LoginCookie {
  static final String SECURE_NAME = "__Host-dockhand_login";
  static final String PLAIN_NAME = "dockhand_login";
  static final Duration MAX_AGE = Duration.ofMinutes(10);
  private static final int MAX_VALUE_CHARS = 200;

  private final boolean secure;

  LoginCookie(Optional<URI> publicUrl) {
    this.secure = publicUrl.map(url -> "https".equals(url.getScheme())).orElse(false);
  }

  String name() {
    return secure ? SECURE_NAME : PLAIN_NAME;
  }

  Optional<String> read(Context ctx) {
    return Optional.ofNullable(ctx.cookie(name()))
        .filter(value -> !value.isEmpty() && value.length() <= MAX_VALUE_CHARS);
  }

  void set(Context ctx, String nonce) {
    ctx.cookie(cookie(nonce, (int) MAX_AGE.toSeconds()));
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
