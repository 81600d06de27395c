package dev.dockhand.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockhand.ConflictException;
import dev.dockhand.DockhandException;
import dev.dockhand.InvalidInputException;
import dev.dockhand.Json;
import dev.dockhand.NotFoundException;
import dev.dockhand.auth.AccessRevokedException;
import dev.dockhand.auth.LoginFailedException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP answers: {@code {"error":{"code","message","field?"}}}
 * with the status the exception implies. Anything unforeseen is a bug: logged with its stack, and
 * answered 500 without detail.
 */
final class ErrorMapper {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

  private ErrorMapper() {}

  static void register(RoutesConfig routes) {
    routes.exception(Exception.class, ErrorMapper::handle);
    // Unmatched routes never reach the exception handler; answer them in the same shape.
    routes.error(
        404,
        ctx -> {
          if (!String.valueOf(ctx.res().getContentType()).startsWith("application/json")) {
            write(ctx, new Problem(404, "not_found", "no such route"));
          }
        });
  }

  static void handle(Exception failure, Context ctx) {
    Problem problem = problem(failure);
    if (problem.status() >= 500) {
      LOG.error("{} {} failed", ctx.method(), ctx.path(), failure);
    }
    write(ctx, problem);
  }

  /** What a failure means for the client; also used by the WebSocket's error frames. */
  static Problem problem(Throwable failure) {
    return switch (failure) {
      case InvalidInputException invalid ->
          new Problem(
              400, invalid.code(), invalid.getMessage(), Optional.ofNullable(invalid.field()));
      case NotFoundException notFound -> new Problem(404, notFound.code(), notFound.getMessage());
      case ConflictException conflict -> new Problem(409, conflict.code(), conflict.getMessage());
      case ApiException api ->
          new Problem(
              api.status(),
              api.code(),
              api.getMessage(),
              Optional.empty(),
              api.retryAfter().map(wait -> Math.max(1, (wait.toMillis() + 999) / 1000)));
      case AccessRevokedException revoked ->
          new Problem(revoked.retryable() ? 503 : 401, revoked.code(), revoked.getMessage());
      case LoginFailedException login ->
          new Problem(login.upstream() ? 502 : 400, login.code(), login.getMessage());
      case JsonProcessingException json ->
          new Problem(400, "invalid", "the body is not valid JSON", Optional.of("body"));
      case HttpResponseException http -> fromJavalin(http);
      case DockhandException other when other.retryable() ->
          new Problem(503, other.code(), other.getMessage());
      default -> new Problem(500, "internal", "an unexpected error occurred; it has been logged");
    };
  }

  private static Problem fromJavalin(HttpResponseException http) {
    int status = http.getStatus();
    return switch (status) {
      case 404 -> new Problem(404, "not_found", "no such route");
      case 405 -> new Problem(405, "method_not_allowed", "method not allowed on this route");
      case 413 -> new Problem(413, "too_large", "the request body is too large");
      default ->
          status >= 500
              ? new Problem(500, "internal", "an unexpected error occurred; it has been logged")
              : new Problem(status, "invalid", "the request was not understood", Optional.empty());
    };
  }

  static void write(Context ctx, Problem problem) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("code", problem.code());
    error.put("message", problem.message());
    problem.field().ifPresent(field -> error.put("field", field));
    problem
        .retryAfterSeconds()
        .ifPresent(seconds -> ctx.header("Retry-After", Long.toString(seconds)));
    if (problem.status() == 401) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"dockhand\"");
    }
    ctx.status(problem.status()).contentType("application/json").result(body.toString());
  }

  /** An error answer: HTTP status, stable code, message for people, and the field at fault. */
  record Problem(
      int status,
      String code,
      String message,
      Optional<String> field,
      Optional<Long> retryAfterSeconds) {
    Problem(int status, String code, String message) {
      this(status, code, message, Optional.empty(), Optional.empty());
    }

    Problem(int status, String code, String message, Optional<String> field) {
      this(status, code, message, field, Optional.empty());
    }
  }
}
