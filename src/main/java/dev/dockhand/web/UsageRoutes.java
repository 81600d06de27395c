package dev.dockhand.web;

import dev.dockhand.auth.Auth;
import dev.dockhand.usage.UsageQuery;
import dev.dockhand.usage.UsageRequest;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * {@code GET /api/v1/usage?from=&to=&groupBy=day|repo|model|user}: tokens, cost, tasks and success
 * rate of the caller's tasks, or of everyone's for an admin.
 */
final class UsageRoutes {
  private final Authentication authentication;
  private final Auth auth;
  private final UsageQuery query;
  private final Clock clock;

  UsageRoutes(Authentication authentication, Auth auth, UsageQuery query, Clock clock) {
    this.authentication = authentication;
    this.auth = auth;
    this.query = query;
    this.clock = clock;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/v1/usage", this::usage);
  }

  private void usage(Context ctx) {
    Caller caller = authentication.require(ctx);
    UsageRequest request =
        UsageRequest.parse(
            Optional.ofNullable(ctx.queryParam("from")),
            Optional.ofNullable(ctx.queryParam("to")),
            Optional.ofNullable(ctx.queryParam("groupBy")),
            LocalDate.now(clock.withZone(ZoneOffset.UTC)));
    boolean everyone =
        auth.isAdmin(caller.user()) && caller.scope().covers(dev.dockhand.auth.Scope.ADMIN);
    ctx.json(query.report(request, everyone ? Optional.empty() : Optional.of(caller.userId())));
  }
}
