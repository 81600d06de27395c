package dev.dockhand.sandbox;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link WarmPool}'s container after its hand-over: one task's, never given back. Closing removes
 * the container, then releases its slot (unmounting the task's directories from it), and returns
 * only when both are done, so the task's disk can be unmounted next. Thread-safe: {@link #close()}
 * runs once, and a concurrent caller waits for it.
 */
final class PooledContainer implements SandboxContainer {
  private final DockerContainer container;
  private final Runnable releaseSlot;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  PooledContainer(DockerContainer container, Runnable releaseSlot) {
    this.container = container;
    this.releaseSlot = releaseSlot;
  }

  @Override
  public String id() {
    return container.id();
  }

  @Override
  public ExecResult exec(ExecRequest request) {
    return container.exec(request);
  }

  @Override
  public void freeze() {
    container.freeze();
  }

  @Override
  public void thaw() {
    container.thaw();
  }

  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      closed.join();
      return;
    }
    try {
      container.close();
      releaseSlot.run();
    } finally {
      closed.complete(null);
    }
  }
}
