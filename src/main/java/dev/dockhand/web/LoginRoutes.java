package dev.dockhand.web;

import dev.dockhand.NotFoundException;
import dev.dockhand.auth.Auth;
import dev.dockhand.auth.GitHubLogin;
import dev.dockhand.auth.LoginFailedException;
import dev.dockhand.auth.User;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URI;
import java.util.function.Supplier;

/**
 * {@code /auth/github/login} → GitHub → {@code /auth/github/callback} → session cookie; and
 * {@code /auth/logout}. A login always gets a fresh session id (any session the browser came
 * with is ended), so a session id planted before login is worthless after it.
 */
final class LoginRoutes {
  static final String CALLBACK = "/auth/github/callback";

  private final Auth auth;
  private final SessionCookie cookie;
  private final Authentication authentication;
  private final Supplier<URI> origin;

  LoginRoutes(
      Auth auth, SessionCookie cookie, Authentication authentication, Supplier<URI> origin) {
    this.auth = auth;
    this.cookie = cookie;
    this.authentication = authentication;
    this.origin = origin;
  }

  void register(RoutesConfig routes) {
    routes.get("/auth/github/login", ctx -> ctx.redirect(github().begin(callback()).toString()));
    routes.get(CALLBACK, this::callback);
    routes.post("/auth/logout", this::logout);
  }

  private GitHubLogin github() {
    return auth.github()
        .orElseThrow(() -> new NotFoundException("login", "github (local mode: use an API token)"));
  }

  private URI callback() {
    String base = origin.get().toString();
    return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + CALLBACK);
  }

  private void callback(Context ctx) {
    GitHubLogin github = github();
    String error = ctx.queryParam("error");
    if (error != null) {
      throw new LoginFailedException("GitHub did not sign you in (" + abbreviate(error) + ")", false);
    }
    GitHubLogin.Result result =
        github.complete(ctx.queryParam("code"), ctx.queryParam("state"), callback());
    User user = auth.users().signedIn(result.user(), result.token());
    cookie.read(ctx).ifPresent(auth.sessions()::delete);
    cookie.set(ctx, auth.sessions().create(user.id()), auth.sessions().ttl());
    ctx.redirect("/", HttpStatus.FOUND);
  }

  private void logout(Context ctx) {
    cookie.read(ctx).ifPresent(
        session -> {
          auth.bySession(session)
              .ifPresent(user -> authentication.checkNotCrossSite(ctx, new Caller(user, true)));
          auth.sessions().delete(session);
        });
    cookie.clear(ctx);
    ctx.status(204);
  }

  private static String abbreviate(String value) {
    String printable = value.replaceAll("[^A-Za-z0-9_.-]", "?");
    return printable.length() <= 60 ? printable : printable.substring(0, 60);
  }
}
