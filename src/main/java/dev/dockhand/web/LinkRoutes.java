package dev.dockhand.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockhand.InvalidInputException;
import dev.dockhand.Json;
import dev.dockhand.auth.Auth;
import dev.dockhand.auth.LoginLinks;
import dev.dockhand.auth.User;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URI;
import java.util.function.Supplier;

/**
 * One-time sign-in links, for a phone: {@code POST /api/v1/login-links} makes one for the caller
 * (what {@code serve} prints and {@code dockhand login-link} asks for), and {@code POST /auth/link}
 * spends it, giving the browser a session. The link is the app's URL with the secret in the
 * fragment ({@code /#/signin/<secret>}), so no server or proxy log ever sees it; the app posts it
 * back. Spending is refused unless the request comes from our own pages (no site can sign a browser
 * into an account of its choosing) and is rate-limited per address like a GitHub login. Also {@code
 * GET /auth/methods}, public: which ways of signing in this server offers.
 */
final class LinkRoutes {
  private final Auth auth;
  private final HostCookie cookie;
  private final Authentication authentication;
  private final Supplier<URI> origin;
  private final LoginLimiter limiter;
  private final ClientAddress address;
  private final int maxBodyBytes;

  LinkRoutes(
      Auth auth,
      HostCookie cookie,
      Authentication authentication,
      Supplier<URI> origin,
      LoginLimiter limiter,
      ClientAddress address,
      int maxBodyBytes) {
    this.auth = auth;
    this.cookie = cookie;
    this.authentication = authentication;
    this.origin = origin;
    this.limiter = limiter;
    this.address = address;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes) {
    routes.post("/api/v1/login-links", this::create);
    routes.post("/auth/link", this::spend);
    routes.get("/auth/methods", this::methods);
  }

  /**
   * A link signs a browser in with a session, which acts with the user's widest scope and does not
   * expire on a date; so only a credential as wide and as lasting may make one.
   */
  private void create(Context ctx) {
    Caller caller = authentication.require(ctx);
    if (!caller.scope().covers(auth.widestScope(caller.user()))) {
      throw ApiException.forbidden(
          "a sign-in link acts as a session of scope "
              + auth.widestScope(caller.user()).wire()
              + "; this credential has scope "
              + caller.scope().wire());
    }
    if (caller.expiresAt().isPresent()) {
      throw ApiException.forbidden(
          "a token that expires cannot make a sign-in link: the session would outlive it");
    }
    LoginLinks.Created link = auth.loginLinks().create(caller.userId());
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("url", url(link.secret()));
    body.put("expiresAt", link.expiresAt().toString());
    ctx.status(201).json(body);
  }

  /** Where the link points: the app, with the secret in the fragment. */
  String url(String secret) {
    String base = origin.get().toString();
    return (base.endsWith("/") ? base : base + "/") + "#/signin/" + secret;
  }

  /** {@code {link}}: the secret from the fragment. A fresh session replaces any the browser had. */
  private void spend(Context ctx) {
    if (!authentication.fromOwnPages(ctx)) {
      throw ApiException.forbidden("cross-site sign-in refused");
    }
    limiter.acquire(address.of(ctx));
    String secret = JsonBody.read(ctx, maxBodyBytes).requiredText("link");
    long userId =
        auth.loginLinks()
            .spend(secret)
            .orElseThrow(
                () ->
                    new InvalidInputException(
                        "link",
                        "this sign-in link is unknown, already used or expired (links last "
                            + LoginLinks.TTL.toMinutes()
                            + " minutes); make a new one with dockhand login-link"));
    User user = auth.confirmStillAllowed(userId);
    cookie.read(ctx).ifPresent(auth.sessions()::delete);
    cookie.set(ctx, auth.sessions().create(user.id()), auth.sessions().ttl());
    ctx.status(204);
  }

  private void methods(Context ctx) {
    ctx.header("Cache-Control", "no-store");
    ctx.json(Json.MAPPER.createObjectNode().put("github", auth.github().isPresent()));
  }
}
