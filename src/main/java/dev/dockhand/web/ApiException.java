package dev.dockhand.web;

import dev.dockhand.DockhandException;
import java.time.Duration;
import java.util.Optional;

/**
 * An HTTP answer that is not one of the shared exceptions' statuses: 401, 403, 413, 429. Carries
 * its status so that {@link ErrorMapper} stays the only place that writes errors.
 */
public class ApiException extends DockhandException {
  private final int status;
  private final Optional<Duration> retryAfter;

  ApiException(int status, String code, String message, Optional<Duration> retryAfter) {
    super(code, message);
    this.status = status;
    this.retryAfter = retryAfter;
  }

  public int status() {
    return status;
  }

  public Optional<Duration> retryAfter() {
    return retryAfter;
  }

  static ApiException unauthenticated() {
    return new ApiException(
        401, "unauthenticated", "sign in, or send Authorization: Bearer <token>", Optional.empty());
  }

  static ApiException forbidden(String message) {
    return new ApiException(403, "forbidden", message, Optional.empty());
  }

  static ApiException tooLarge(long limitBytes) {
    return new ApiException(
        413, "too_large", "the request body is over " + limitBytes + " bytes", Optional.empty());
  }

  static ApiException rateLimited(String message, Duration retryAfter) {
    return new ApiException(429, "rate_limited", message, Optional.of(retryAfter));
  }
}
