package dev.dockhand.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockhand.Json;
import dev.dockhand.auth.ApiToken;
import dev.dockhand.auth.Auth;
import dev.dockhand.auth.User;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

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
    User user = authentication.require(ctx).user();
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("id", user.id());
    body.put("login", user.login());
    user.name().ifPresent(name -> body.put("name", name));
    user.avatarUrl().ifPresent(url -> body.put("avatarUrl", url));
    body.put("mode", auth.localMode() ? "local" : "github");
    ctx.json(body);
  }

  private void createToken(Context ctx) {
    Caller caller = authentication.require(ctx);
    String name = JsonBody.read(ctx, maxBodyBytes).requiredText("name");
    ApiToken.Created created = auth.tokens().create(caller.userId(), name);
    ObjectNode body = Json.MAPPER.valueToTree(created.token());
    body.put("token", created.secret());
    ctx.status(201).json(body);
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
