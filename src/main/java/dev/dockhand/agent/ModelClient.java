package dev.dockhand.agent;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.Timeout;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.BetaMessageAccumulator;
import com.anthropic.models.beta.messages.BetaMessage;
import com.anthropic.models.beta.messages.BetaRawMessageStreamEvent;
import com.anthropic.models.beta.messages.MessageCreateParams;
import dev.dockhand.DockhandException;
import dev.dockhand.config.Secret;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One streaming Messages API call per turn, through the official SDK's beta Messages API (the one
 * with context management; without betas named it is the plain Messages API). The API key lives
 * only in the SDK client built here. The SDK retries failed requests itself ({@code
 * sdkMaxRetries}); a stream that breaks after it began cannot be retried by the SDK, so that
 * failure is reported as {@link StreamBroke} for the loop to repeat the turn. Thread-safe.
 */
final class ModelClient implements AutoCloseable {
  /** A retryable failure after the stream had started. */
  static final class StreamBroke extends RuntimeException {
    final DockhandException failure;

    StreamBroke(DockhandException failure) {
      super(failure.getMessage(), failure, false, false);
      this.failure = failure;
    }
  }

  private final AnthropicClient client;

  ModelClient(AgentSettings settings) {
    Secret key =
        settings
            .apiKey()
            .orElseThrow(
                () ->
                    new DockhandException(
                        "config", "ANTHROPIC_API_KEY is not set; the agent cannot run"));
    this.client =
        AnthropicOkHttpClient.builder()
            .apiKey(key.reveal())
            .baseUrl(settings.baseUrl().toString())
            .maxRetries(settings.sdkMaxRetries())
            .timeout(
                Timeout.builder()
                    .connect(Duration.ofSeconds(20))
                    .read(settings.requestTimeout())
                    .request(settings.requestTimeout())
                    .build())
            .build();
  }

  /**
   * Streams one response, calling {@code onFirstDelta} at each content delta (the caller keeps the
   * first) and handing each text delta to {@code onText}, and returns the whole message. The stream
   * is registered with {@code handle} so a cancel closes it.
   */
  BetaMessage turn(
      MessageCreateParams params,
      StreamHandle handle,
      Runnable onFirstDelta,
      Consumer<String> onText) {
    BetaMessageAccumulator accumulator = BetaMessageAccumulator.create();
    boolean started = false;
    try (StreamResponse<BetaRawMessageStreamEvent> stream =
        client.beta().messages().createStreaming(params)) {
      handle.open(stream);
      for (BetaRawMessageStreamEvent event :
          (Iterable<BetaRawMessageStreamEvent>) stream.stream()::iterator) {
        started = true;
        accumulator.accumulate(event);
        if (event.isContentBlockDelta()) {
          onFirstDelta.run();
        }
        event
            .contentBlockDelta()
            .flatMap(delta -> delta.delta().text())
            .ifPresent(text -> onText.accept(text.text()));
      }
      if (!started) {
        throw new StreamBroke(incomplete(null));
      }
      return accumulator.message();
    } catch (StreamBroke broke) {
      throw broke;
    } catch (IllegalStateException unfinished) {
      // The accumulator refuses a stream that ended before message_stop: a dropped connection.
      throw new StreamBroke(incomplete(unfinished));
    } catch (RuntimeException error) {
      DockhandException failure = ModelErrors.map(error);
      if (started && failure.retryable()) {
        throw new StreamBroke(failure);
      }
      throw failure;
    } finally {
      handle.done();
    }
  }

  private static DockhandException incomplete(Throwable cause) {
    return new DockhandException(
        ModelErrors.UNAVAILABLE,
        "the Anthropic API stream ended before the message was complete",
        true,
        cause);
  }

  @Override
  public void close() {
    client.close();
  }
}
