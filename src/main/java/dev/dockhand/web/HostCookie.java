package dev.dockhand.web;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * One of the server's cookies. Behind HTTPS (DOCKHAND_PUBLIC_URL is https) its name carries the
 * {@code __Host-} prefix: Secure, Path=/ and no Domain, so no other host or plain-http page can set
 * or read it. Over plain http the prefix is left off, because browsers reject a {@code __Host-}
 * cookie that is not Secure. Always HttpOnly and SameSite=Lax (so GitHub's redirect back to the
 * login callback, a top-level GET, carries it). Values longer than any the server sets are ignored.
 */
final class HostCookie {
  /** The login session: its id, sliding with {@code DOCKHAND_SESSION_TTL}. */
  static final String SESSION = "dockhand_session";

  /**
   * A login in flight: a random nonce set by {@code /auth/github/login} and spent by the callback,
   * which refuses a state whose stored hash does not match it.
   */
  static final String LOGIN = "dockhand_login";

  /** As long as a login state lives. */
  static final Duration LOGIN_MAX_AGE = Duration.ofMinutes(10);

  private static final int MAX_VALUE_CHARS = 200;

  private final String name;
  private final boolean secure;

  HostCookie(String baseName, Optional<URI> publicUrl) {
    this.secure = publicUrl.map(url -> "https".equals(url.getScheme())).orElse(false);
    this.name = secure ? "__Host-" + baseName : baseName;
  }

  String name() {
    return name;
  }

  Optional<String> read(Context ctx) {
    return Optional.ofNullable(ctx.cookie(name))
        .filter(value -> !value.isEmpty() && value.length() <= MAX_VALUE_CHARS);
  }

  void set(Context ctx, String value, Duration maxAge) {
    ctx.cookie(cookie(value, (int) Math.min(Integer.MAX_VALUE, maxAge.toSeconds())));
  }

  void clear(Context ctx) {
    ctx.cookie(cookie("", 0));
  }

  private Cookie cookie(String value, int maxAgeSeconds) {
    Cookie cookie = new Cookie(name, value);
    cookie.setPath("/");
    cookie.setMaxAge(maxAgeSeconds);
    cookie.setSecure(secure);
    cookie.setHttpOnly(true);
    cookie.setSameSite(SameSite.LAX);
    return cookie;
  }
}
