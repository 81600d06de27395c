package dev.dockhand.sandbox;

/** A running task container. Thread-safe; {@link #close()} removes it and never throws. */
public interface SandboxContainer extends AutoCloseable {
  String id();

  ExecResult exec(ExecRequest request);

  /** Freezes every process in the container (nothing in it runs or writes) until {@link #thaw}. */
  void freeze();

  void thaw();

  @Override
  void close();
}
