package dev.dockhand.github;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Keeps the last bytes of an answer's body (a log's tail is where a build says why it failed), and
 * stops reading after a total, so an endless body costs bounded memory and time. One per response.
 */
final class TailBody implements HttpResponse.BodySubscriber<String> {
  private final byte[] ring;
  private final long readLimit;
  private final CompletableFuture<String> body = new CompletableFuture<>();
  private Flow.Subscription subscription;
  private long total;

  TailBody(int keep, long readLimit) {
    this.ring = new byte[keep];
    this.readLimit = readLimit;
  }

  @Override
  public CompletionStage<String> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    for (ByteBuffer buffer : buffers) {
      while (buffer.hasRemaining() && !body.isDone()) {
        ring[(int) (total++ % ring.length)] = buffer.get();
        if (total >= readLimit) {
          subscription.cancel();
          body.complete(tail());
        }
      }
    }
  }

  @Override
  public void onError(Throwable failure) {
    body.completeExceptionally(failure);
  }

  @Override
  public void onComplete() {
    body.complete(tail());
  }

  private String tail() {
    int kept = (int) Math.min(total, ring.length);
    byte[] out = new byte[kept];
    long start = total - kept;
    for (int i = 0; i < kept; i++) {
      out[i] = ring[(int) ((start + i) % ring.length)];
    }
    // A cut through a multi-byte character becomes one replacement character.
    return new String(out, StandardCharsets.UTF_8);
  }
}
