package dev.dockhand.web;

import dev.dockhand.Json;
import dev.dockhand.metrics.Metrics;
import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;

/** Javalin's and Jetty's settings for the server: limits, threads, static files, metrics. */
final class ServerConfiguration {
  private ServerConfiguration() {}

  static void apply(JavalinConfig javalin, ServerSettings settings, Metrics metrics) {
    WebLimits limits = settings.limits();
    javalin.startup.showJavalinBanner = false;
    javalin.startup.showOldJavalinVersionWarning = false;
    javalin.concurrency.useVirtualThreads = true;
    javalin.jsonMapper(new JavalinJackson(Json.MAPPER, true));
    javalin.http.maxRequestSize = limits.maxBodyBytes();
    javalin.jetty.host = settings.host();
    javalin.jetty.port = settings.port();
    javalin.jetty.modifyWebSocketServletFactory(
        factory -> {
          factory.setMaxTextMessageSize(limits.wsMaxMessageBytes());
          factory.setMaxBinaryMessageSize(limits.wsMaxMessageBytes());
          factory.setIdleTimeout(limits.pingInterval().multipliedBy(4));
        });
    javalin.staticFiles.add(
        files -> {
          files.hostedPath = "/";
          files.directory = "/web";
          files.location = Location.CLASSPATH;
          // Jetty knows no type for the web app manifest; browsers expect this one.
          files.mimeTypes.add("application/manifest+json", "webmanifest");
        });
    javalin.requestLogger.http(
        (ctx, millis) ->
            metrics.httpRequest(
                ctx.method().name(),
                RouteNames.of(ctx),
                ctx.statusCode(),
                java.time.Duration.ofNanos((long) (millis * 1_000_000))));
  }
}
