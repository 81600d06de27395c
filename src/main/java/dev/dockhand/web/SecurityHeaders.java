package dev.dockhand.web;

import io.javalin.http.Context;
import java.net.URI;
import java.util.Optional;

/**
 * Headers on every response. The web app is served from this origin and talks only to it; avatars
 * may come from GitHub (or an Enterprise host), hence {@code img-src https:}.
 */
final class SecurityHeaders {
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
          + " img-src 'self' data: https:; connect-src 'self'; font-src 'self';"
          + " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private final boolean https;

  SecurityHeaders(Optional<URI> publicUrl) {
    this.https = publicUrl.map(url -> "https".equals(url.getScheme())).orElse(false);
  }

  void apply(Context ctx) {
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Cross-Origin-Opener-Policy", "same-origin");
    ctx.header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (https) {
      ctx.header("Strict-Transport-Security", "max-age=31536000");
    }
    if (ctx.path().startsWith("/api/") || ctx.path().startsWith("/auth/")) {
      ctx.header("Cache-Control", "no-store");
    }
  }
}
