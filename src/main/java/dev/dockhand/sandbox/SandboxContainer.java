package dev.dockhand.sandbox;

/** A running task container. Thread-safe; {@link #close()} removes it and never throws. */
public interface SandboxContainer extends AutoCloseable {
  String id();

  ExecResult exec(ExecRequest request);

  @Override
  void close();
}
