package dev.dockhand.web;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;

/** The route template a request matched, for metrics: bounded cardinality, no ids. */
final class RouteNames {
  private RouteNames() {}

  static String of(Context ctx) {
    try {
      Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
      return endpoint == null ? "unmatched" : endpoint.path;
    } catch (RuntimeException e) {
      return "unmatched";
    }
  }
}
