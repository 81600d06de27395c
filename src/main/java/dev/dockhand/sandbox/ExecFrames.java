package dev.dockhand.sandbox;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Receives one command's output frames into its {@link ExecOutput}; asks for the command to stop
 * when it prints too much. Thread-safe: the engine's thread writes, the caller's waits.
 */
final class ExecFrames extends ResultCallback.Adapter<Frame> {
  private final ExecOutput output;
  private final Runnable stop;
  private final CountDownLatch ended = new CountDownLatch(1);

  ExecFrames(ExecOutput output, Runnable stop) {
    this.output = output;
    this.stop = stop;
  }

  @Override
  public void onNext(Frame frame) {
    if (!output.accept(frame.getPayload())) {
      Thread.ofVirtual().start(stop);
    }
  }

  @Override
  public void onComplete() {
    super.onComplete();
    ended.countDown();
  }

  @Override
  public void onError(Throwable throwable) {
    super.onError(throwable);
    ended.countDown();
  }

  @Override
  public void close() throws IOException {
    try {
      super.close();
    } finally {
      ended.countDown();
    }
  }

  /**
   * Whether the stream ended within the wait. Unlike {@code awaitCompletion(timeout)}, which closes
   * the stream when its wait runs out, this leaves the stream open to wait again.
   */
  boolean awaitEnd(long nanos) throws InterruptedException {
    return ended.await(nanos, TimeUnit.NANOSECONDS);
  }

  void closeQuietly() {
    try {
      close();
    } catch (IOException ignored) {
      // Closing an already finished stream has nothing left to release.
    }
  }
}
