package dev.dockhand.push;

import com.interaso.webpush.WebPush;
import dev.dockhand.egress.Resolver;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/**
 * Sends one encrypted message to one subscription (RFC 8030): the body encrypted to the browser's
 * keys (RFC 8291, aes128gcm) and signed for the push service with the server's VAPID key (RFC
 * 8292), by the {@code com.interaso:webpush} library; the HTTP goes out through Jetty's client,
 * whose every address comes from {@link VettedResolver}. No redirect is followed, no proxy is used,
 * and at most 4 KiB of an answer is read. Thread-safe; {@link #close} once.
 */
final class PushSender implements AutoCloseable {
  /** A push service keeps an undelivered message this long (the phone may be off). */
  static final Duration TTL = Duration.ofHours(24);

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_ANSWER_BYTES = 4096;

  private final WebPush webPush;
  private final HttpClient http;

  /** What the push service made of one message. */
  sealed interface Outcome {
    /** Accepted (201, or 200/202 from lenient services). */
    record Delivered() implements Outcome {}

    /** 404 or 410: the subscription expired or was withdrawn, and must be forgotten. */
    record Gone(int status) implements Outcome {}

    /** Not delivered; {@code retryAfter} is set when trying again later may help. */
    record Failed(String reason, Optional<Duration> retryAfter) implements Outcome {}
  }

  PushSender(WebPush webPush, Resolver resolver, boolean allowLoopback) {
    this.webPush = webPush;
    this.http = new HttpClient();
    http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    http.setSocketAddressResolver(new VettedResolver(resolver, allowLoopback, http.getExecutor()));
    http.setFollowRedirects(false);
    http.setConnectTimeout(TimeUnit.SECONDS.toMillis(10));
    http.setIdleTimeout(TIMEOUT.toMillis());
    http.setMaxConnectionsPerDestination(4);
    http.setUserAgentField(new org.eclipse.jetty.http.HttpField(HttpHeader.USER_AGENT, "Dockhand"));
    try {
      http.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the push client", e);
    }
  }

  Outcome send(Subscription subscription, byte[] payload, String topic) {
    Base64.Decoder decoder = Base64.getUrlDecoder();
    byte[] body =
        webPush.getBody(
            payload,
            decoder.decode(subscription.p256dh().replace("=", "")),
            decoder.decode(subscription.auth().replace("=", "")));
    Map<String, String> headers =
        webPush.getHeaders(
            subscription.endpoint().toString(),
            (int) TTL.toSeconds(),
            topic,
            WebPush.Urgency.Normal);
    Request request =
        http.newRequest(subscription.endpoint())
            .method(HttpMethod.POST)
            .timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .body(new BytesRequestContent("application/octet-stream", body));
    request.headers(fields -> headers.forEach(fields::put));
    try {
      ContentResponse response =
          new CompletableResponseListener(request, MAX_ANSWER_BYTES)
              .send()
              .get(TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
      return outcome(response);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      boolean refused = cause instanceof VettedResolver.RefusedAddressException;
      return new Outcome.Failed(
          String.valueOf(cause.getMessage()),
          refused ? Optional.empty() : Optional.of(Duration.ofSeconds(30)));
    } catch (TimeoutException e) {
      request.abort(e);
      return new Outcome.Failed(
          "the push service did not answer", Optional.of(Duration.ofSeconds(30)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      request.abort(e);
      return new Outcome.Failed("interrupted", Optional.empty());
    }
  }

  private static Outcome outcome(ContentResponse response) {
    int status = response.getStatus();
    if (status == 200 || status == 201 || status == 202) {
      return new Outcome.Delivered();
    }
    if (status == 404 || status == 410) {
      return new Outcome.Gone(status);
    }
    boolean later = status == 429 || status >= 500;
    return new Outcome.Failed(
        "the push service answered " + status,
        later
            ? Optional.of(retryAfter(response.getHeaders().get(HttpHeader.RETRY_AFTER)))
            : Optional.empty());
  }

  /** Retry-After in seconds, between 1 s and 10 min; 30 s when absent or unreadable. */
  private static Duration retryAfter(String header) {
    try {
      long seconds = Long.parseLong(header == null ? "" : header.trim());
      return Duration.ofSeconds(Math.max(1, Math.min(600, seconds)));
    } catch (NumberFormatException e) {
      return Duration.ofSeconds(30);
    }
  }

  @Override
  public void close() {
    try {
      http.stop();
    } catch (Exception e) {
      // Stopping the client frees its connections; nothing depends on it succeeding.
    }
  }
}
