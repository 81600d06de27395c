package dev.dockhand.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockhand.InvalidInputException;
import dev.dockhand.Json;
import dev.dockhand.auth.ApiToken;
import dev.dockhand.auth.Auth;
import dev.dockhand.auth.Scope;
import dev.dockhand.auth.User;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Optional;

/** {@code /api/v1/me}, {@code /tokens} and {@code /repos}: the caller and what they own. */
final class AccountRoutes {
  private final Authentication authentication;
  private final Auth auth;
  private final RepoLister repos;
  private final int maxBodyBytes;

  AccountRoutes(Authentication authentication, Auth auth, RepoLister repos, int maxBodyBytes) {
    this.authentication = authentication;
    this.auth = auth;
    this.repos = repos;
    this.maxBodyBytes = maxBodyBytes;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/v1/me", this::me);
    routes.post("/api/v1/tokens", this::createToken);
    routes.get("/api/v1/tokens", this::listTokens);
    routes.delete("/api/v1/tokens/{id}", this::revokeToken);
    routes.get("/api/v1/repos", this::repos);
  }

  private void me(Context ctx) {
    Caller caller = authentication.require(ctx);
    User user = caller.user();
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("id", user.id());
    body.put("login", user.login());
    user.name().ifPresent(name -> body.put("name", name));
    user.avatarUrl().ifPresent(url -> body.put("avatarUrl", url));
    body.put("mode", auth.localMode() ? "local" : "github");
    body.put("admin", auth.isAdmin(user));
    body.put("scope", caller.scope().wire());
    caller.expiresAt().ifPresent(expiry -> body.put("expiresAt", expiry.toString()));
    ctx.json(body);
  }

  /**
   * {@code {name, scope?, expiresAt?}}. The scope defaults to the caller's own and may not be
   * wider; a token that expires cannot make one that outlives it (without an expiry, the new token
   * gets the caller's).
   */
  private void createToken(Context ctx) {
    Caller caller = authentication.require(ctx);
    JsonBody request = JsonBody.read(ctx, maxBodyBytes);
    String name = request.requiredText("name");
    Scope scope = request.optionalText("scope").map(AccountRoutes::scope).orElse(caller.scope());
    if (!caller.scope().covers(scope)) {
      throw ApiException.forbidden(
          scope == Scope.ADMIN && !auth.isAdmin(caller.user())
              ? "scope admin is only for admins"
              : "a credential of scope "
                  + caller.scope().wire()
                  + " cannot create a token of the wider scope "
                  + scope.wire());
    }
    Optional<Instant> expiresAt = request.optionalText("expiresAt").map(AccountRoutes::instant);
    if (caller.expiresAt().isPresent()) {
      Instant limit = caller.expiresAt().get();
      if (expiresAt.isPresent() && expiresAt.get().isAfter(limit)) {
        throw new InvalidInputException(
            "expiresAt",
            "expiresAt must not be later than the expiry of the token making this request ("
                + limit
                + ")");
      }
      expiresAt = expiresAt.or(caller::expiresAt);
    }
    ApiToken.Created created = auth.tokens().create(caller.userId(), name, scope, expiresAt);
    ObjectNode body = Json.MAPPER.valueToTree(created.token());
    body.put("token", created.secret());
    ctx.status(201).json(body);
  }

  private static Scope scope(String wire) {
    return Scope.parse(wire)
        .orElseThrow(
            () ->
                new InvalidInputException(
                    "scope",
                    "scope must be one of "
                        + Arrays.stream(Scope.values()).map(Scope::wire).toList()));
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(
          "expiresAt", "expiresAt must be an ISO-8601 instant such as 2030-01-31T00:00:00Z");
    }
  }

  private void listTokens(Context ctx) {
    Caller caller = authentication.require(ctx);
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("items", Json.MAPPER.valueToTree(auth.tokens().list(caller.userId())));
    ctx.json(body);
  }

  private void revokeToken(Context ctx) {
    Caller caller = authentication.require(ctx);
    auth.tokens().revoke(caller.userId(), ctx.pathParam("id"));
    ctx.status(204);
  }

  private void repos(Context ctx) {
    Caller caller = authentication.require(ctx);
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.set("items", Json.MAPPER.valueToTree(repos.list(caller.user())));
    ctx.json(body);
  }
}
