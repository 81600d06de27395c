package dev.dockhand.agent;

import com.anthropic.errors.AnthropicIoException;
import com.anthropic.errors.AnthropicRetryableException;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.SseException;
import com.anthropic.models.ErrorType;
import dev.dockhand.DockhandException;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what the SDK throws into a task outcome a person can read: overload, rate limits, server
 * errors and network failures may run again ({@code model_unavailable}); a rejected key or request
 * may not. Messages name the cause and status, never the key.
 */
final class ModelErrors {
  static final String UNAVAILABLE = "model_unavailable";
  static final String AUTH = "model_auth";
  static final String REJECTED = "model_rejected";

  /** A 400 saying the prompt is longer than the model's context window. */
  static final String PROMPT_TOO_LONG = "prompt_too_long";

  /** A 400 refusing the request's context management (a model or account without the beta). */
  static final String NO_CONTEXT_MANAGEMENT = "context_management_refused";

  private static final Pattern TOO_LONG =
      Pattern.compile("prompt is too long(?:: (\\d+) tokens > (\\d+) maximum)?");
  private static final Pattern CONTEXT_MANAGEMENT =
      Pattern.compile("context_management|compact_20260112|clear_tool_uses_20250919|compact-2026");

  private static final Set<String> RETRYABLE_TYPES =
      Set.of("overloaded_error", "api_error", "rate_limit_error", "timeout_error");

  private ModelErrors() {}

  static DockhandException map(RuntimeException error) {
    if (error instanceof SseException sse) {
      String type = sse.errorType().map(ErrorType::asString).orElse("unknown");
      boolean retryable = RETRYABLE_TYPES.contains(type);
      return new DockhandException(
          retryable ? UNAVAILABLE : REJECTED,
          "the Anthropic API stream failed (" + type + ")" + detail(sse),
          retryable,
          error);
    }
    if (error instanceof AnthropicServiceException service) {
      return byStatus(service.statusCode(), service);
    }
    if (error instanceof AnthropicIoException || error instanceof AnthropicRetryableException) {
      return new DockhandException(
          UNAVAILABLE,
          "the Anthropic API could not be reached: " + error.getClass().getSimpleName(),
          true,
          error);
    }
    if (error instanceof DockhandException dockhand) {
      return dockhand;
    }
    return new DockhandException(
        REJECTED,
        "the model call failed unexpectedly: " + error.getClass().getSimpleName(),
        false,
        error);
  }

  private static DockhandException byStatus(int status, AnthropicServiceException error) {
    return switch (status) {
      case 401 ->
          new DockhandException(AUTH, "the Anthropic API rejected the API key (401)", false, error);
      case 403 ->
          new DockhandException(
              AUTH,
              "the Anthropic API refused this API key access (403)" + detail(error),
              false,
              error);
      case 404 ->
          new DockhandException(
              REJECTED,
              "the Anthropic API does not know this model or endpoint (404)" + detail(error),
              false,
              error);
      case 408, 409, 429, 500, 502, 503, 504, 529 ->
          new DockhandException(
              UNAVAILABLE,
              "the Anthropic API is unavailable (" + status + ")" + detail(error),
              true,
              error);
      case 400 -> badRequest(error);
      default ->
          new DockhandException(
              status >= 500 ? UNAVAILABLE : REJECTED,
              "the Anthropic API rejected the request (" + status + ")" + detail(error),
              status >= 500,
              error);
    };
  }

  private static DockhandException badRequest(AnthropicServiceException error) {
    String message = error.apiMessage().orElse("");
    String code =
        TOO_LONG.matcher(message).find()
            ? PROMPT_TOO_LONG
            : CONTEXT_MANAGEMENT.matcher(message).find() ? NO_CONTEXT_MANAGEMENT : REJECTED;
    return new DockhandException(
        code, "the Anthropic API rejected the request (400)" + detail(error), false, error);
  }

  /**
   * The context window a "prompt is too long" message names ({@code N tokens > M maximum}), if it
   * names one.
   */
  static OptionalLong contextWindow(DockhandException tooLong) {
    Matcher matcher = TOO_LONG.matcher(String.valueOf(tooLong.getMessage()));
    return matcher.find() && matcher.group(2) != null
        ? OptionalLong.of(Long.parseLong(matcher.group(2)))
        : OptionalLong.empty();
  }

  /** The prompt's size a "prompt is too long" message names, if it names one. */
  static OptionalLong promptTokens(DockhandException tooLong) {
    Matcher matcher = TOO_LONG.matcher(String.valueOf(tooLong.getMessage()));
    return matcher.find() && matcher.group(1) != null
        ? OptionalLong.of(Long.parseLong(matcher.group(1)))
        : OptionalLong.empty();
  }

  private static String detail(AnthropicServiceException error) {
    return error.apiMessage().map(message -> ": " + message).orElse("");
  }
}
