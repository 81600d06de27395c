package dev.dockhand.github;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpHeaders;
import java.util.Optional;

/**
 * One answer from GitHub's REST API: its status, what it means ({@link Outcome}), its headers, and
 * its body as JSON (empty when there was none or it was not JSON).
 */
public record GitHubResponse(
    int status, Outcome outcome, HttpHeaders headers, Optional<JsonNode> json) {

  /** What an answer means, decided once for every caller. */
  public enum Outcome {
    /** 2xx. */
    OK,
    /** 401: the token is unknown, revoked or expired. */
    UNAUTHORIZED,
    /** 403 that is not a rate limit: the token may not do this (scope, SSO, app restrictions). */
    FORBIDDEN,
    /** 404: absent, or hidden from this token. */
    NOT_FOUND,
    /** 429, or 403 with {@code X-RateLimit-Remaining: 0} or a {@code Retry-After}. */
    RATE_LIMITED,
    /** 5xx: GitHub is having trouble; asking again later may work. */
    UNAVAILABLE,
    /** Anything else (a redirect, which is never followed; 400, 409, 422…): see the body. */
    REJECTED
  }

  public boolean ok() {
    return outcome == Outcome.OK;
  }

  public Optional<String> header(String name) {
    return headers.firstValue(name);
  }

  static Outcome classify(int status, HttpHeaders headers) {
    boolean rateLimited =
        status == 429
            || (status == 403
                && (headers.firstValue("X-RateLimit-Remaining").filter("0"::equals).isPresent()
                    || headers.firstValue("Retry-After").isPresent()));
    if (rateLimited) {
      return Outcome.RATE_LIMITED;
    }
    if (status >= 200 && status < 300) {
      return Outcome.OK;
    }
    if (status >= 500) {
      return Outcome.UNAVAILABLE;
    }
    return switch (status) {
      case 401 -> Outcome.UNAUTHORIZED;
      case 403 -> Outcome.FORBIDDEN;
      case 404 -> Outcome.NOT_FOUND;
      default -> Outcome.REJECTED;
    };
  }
}
