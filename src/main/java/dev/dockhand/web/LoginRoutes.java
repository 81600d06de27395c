package dev.dockhand.web;

import dev.dockhand.NotFoundException;
import dev.dockhand.auth.Auth;
import dev.dockhand.auth.GitHubLogin;
import dev.dockhand.auth.LoginFailedException;
import dev.dockhand.auth.NotAllowedException;
import dev.dockhand.auth.User;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URI;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code /auth/github/login} → GitHub → {@code /auth/github/callback} → session cookie; and {@code
 * /auth/logout}. The login start is rate-limited per client address and sets a login cookie ({@link
 * HostCookie#LOGIN}) that the callback must bring back, so a login begun in another browser cannot
 * sign this one in. A login always gets a fresh session id (any session the browser came with is
 * ended), so a session id planted before login is worthless after it. A browser that lands on a
 * refusal or failure gets a page ({@link LoginPage}); other clients get the usual JSON error.
 */
final class LoginRoutes {
  static final String CALLBACK = "/auth/github/callback";

  private final Auth auth;
  private final HostCookie cookie;
  private final HostCookie loginCookie;
  private final Authentication authentication;
  private final Supplier<URI> origin;
  private final LoginLimiter limiter;
  private final ClientAddress address;

  LoginRoutes(
      Auth auth,
      HostCookie cookie,
      HostCookie loginCookie,
      Authentication authentication,
      Supplier<URI> origin,
      LoginLimiter limiter,
      ClientAddress address) {
    this.auth = auth;
    this.cookie = cookie;
    this.loginCookie = loginCookie;
    this.authentication = authentication;
    this.origin = origin;
    this.limiter = limiter;
    this.address = address;
  }

  void register(RoutesConfig routes) {
    routes.get("/auth/github/login", this::begin);
    routes.get(CALLBACK, this::callback);
    routes.post("/auth/logout", this::logout);
  }

  private GitHubLogin github() {
    return auth.github()
        .orElseThrow(() -> new NotFoundException("login", "github (local mode: use an API token)"));
  }

  private URI callback() {
    String base = origin.get().toString();
    return URI.create(
        (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + CALLBACK);
  }

  private void begin(Context ctx) {
    GitHubLogin github = github();
    try {
      limiter.acquire(address.of(ctx));
    } catch (ApiException limited) {
      if (!LoginPage.wanted(ctx)) {
        throw limited;
      }
      LoginPage.rateLimited(ctx, ErrorMapper.problem(limited).retryAfterSeconds().orElse(60L));
      return;
    }
    GitHubLogin.Start start = github.begin(callback());
    loginCookie.set(ctx, start.browserNonce(), HostCookie.LOGIN_MAX_AGE);
    ctx.redirect(start.authorizeUrl().toString());
  }

  private void callback(Context ctx) {
    GitHubLogin github = github();
    Optional<String> browserNonce = loginCookie.read(ctx);
    if (ctx.cookie(loginCookie.name()) != null) {
      loginCookie.clear(ctx);
    }
    try {
      String error = ctx.queryParam("error");
      if (error != null) {
        throw new LoginFailedException(
            "GitHub did not sign you in (" + abbreviate(error) + ")", false);
      }
      GitHubLogin.Result result =
          github.complete(
              ctx.queryParam("code"), ctx.queryParam("state"), browserNonce, callback());
      User user =
          auth.users().signedIn(result.user(), result.token(), result.membershipConfirmed());
      cookie.read(ctx).ifPresent(auth.sessions()::delete);
      cookie.set(ctx, auth.sessions().create(user.id()), auth.sessions().ttl());
      ctx.redirect("/", HttpStatus.FOUND);
    } catch (NotAllowedException refused) {
      if (LoginPage.wanted(ctx)) {
        LoginPage.notAllowed(
            ctx, refused.login(), auth.access().admins(), !auth.access().allowedOrgs().isEmpty());
      } else {
        ErrorMapper.write(ctx, new ErrorMapper.Problem(403, refused.code(), refused.getMessage()));
      }
    } catch (LoginFailedException failed) {
      if (!LoginPage.wanted(ctx)) {
        throw failed;
      }
      LoginPage.failed(ctx, ErrorMapper.problem(failed).status(), failed.getMessage());
    }
  }

  private void logout(Context ctx) {
    cookie
        .read(ctx)
        .ifPresent(
            session -> {
              // Only to refuse a cross-site logout; signing out needs no allowlist check.
              auth.sessions()
                  .userFor(session)
                  .flatMap(auth.users()::find)
                  .ifPresent(
                      user -> authentication.checkNotCrossSite(ctx, authentication.session(user)));
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
