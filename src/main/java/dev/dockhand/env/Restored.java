package dev.dockhand.env;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A cached environment shown in one task's workspace and home, for as long as the task needs it.
 * Close it once the host has committed the task's work (the merged view is the workspace the commit
 * reads) and before the task's disk is released: it unmounts (lazily if busy) and lets the entry be
 * evicted again. Thread-safe: {@link #close()} runs once and never throws.
 */
public final class Restored implements AutoCloseable {
  /** How the files got there. */
  public enum Method {
    /** An overlay mount per directory: nothing copied, writes in the task's own upper. */
    OVERLAY,
    /** A plain copy, where overlayfs cannot be mounted (not root, no overlay support). */
    COPY
  }

  private final Method method;
  private final Duration duration;
  private final long sizeBytes;
  private final List<Path> mounts;
  private final Runnable release;
  private final AtomicBoolean closed = new AtomicBoolean();

  Restored(Method method, Duration duration, long sizeBytes, List<Path> mounts, Runnable release) {
    this.method = method;
    this.duration = duration;
    this.sizeBytes = sizeBytes;
    this.mounts = List.copyOf(mounts);
    this.release = release;
  }

  public Method method() {
    return method;
  }

  /** How long the restore took: the task's {@code restore} timing. */
  public Duration duration() {
    return duration;
  }

  /** The cached environment's size on the data disk. */
  public long sizeBytes() {
    return sizeBytes;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      for (Path mount : mounts.reversed()) {
        Restores.unmount(mount);
      }
    } finally {
      release.run();
    }
  }

  @Override
  public String toString() {
    return "Restored[" + method + ", " + sizeBytes + " bytes in " + duration.toMillis() + " ms]";
  }
}
