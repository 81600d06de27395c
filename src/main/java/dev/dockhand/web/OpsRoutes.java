package dev.dockhand.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockhand.Json;
import dev.dockhand.metrics.Metrics;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Liveness, readiness, metrics and the API description. {@code /healthz} and {@code /readyz} are
 * public and say nothing secret; {@code /metrics} and the description need a caller.
 */
final class OpsRoutes {
  static final String OPENAPI_RESOURCE = "/dev/dockhand/web/openapi.json";

  private final Authentication authentication;
  private final Readiness readiness;
  private final Metrics metrics;
  private final byte[] openApi;

  OpsRoutes(Authentication authentication, Readiness readiness, Metrics metrics) {
    this.authentication = authentication;
    this.readiness = readiness;
    this.metrics = metrics;
    this.openApi = openApiDocument();
  }

  void register(RoutesConfig routes) {
    routes.get("/healthz", ctx -> ctx.json(Json.MAPPER.createObjectNode().put("status", "ok")));
    routes.get("/readyz", this::ready);
    routes.get("/metrics", this::metrics);
    routes.get("/api/v1/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
  }

  private void ready(Context ctx) {
    List<Readiness.Check> checks;
    try {
      checks = readiness.check();
    } catch (RuntimeException e) {
      checks = List.of(new Readiness.Check("readiness", false, "the checks themselves failed"));
    }
    boolean ready = checks.stream().allMatch(Readiness.Check::ok);
    ObjectNode body = Json.MAPPER.createObjectNode().put("status", ready ? "ready" : "not_ready");
    ObjectNode detail = body.putObject("checks");
    for (Readiness.Check check : checks) {
      detail.putObject(check.name()).put("ok", check.ok()).put("detail", check.detail());
    }
    // 503 is readiness's contract with load balancers, not a server error.
    ctx.status(ready ? 200 : 503).json(body);
  }

  private void metrics(Context ctx) {
    authentication.require(ctx);
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
  }

  private static byte[] openApiDocument() {
    try (InputStream in = OpsRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + OPENAPI_RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
