package dev.dockhand.run;

import dev.dockhand.sandbox.ExecRequest;
import dev.dockhand.sandbox.ExecResult;
import dev.dockhand.sandbox.SandboxContainer;
import java.util.HashMap;
import java.util.Map;

/**
 * The task's container as the agent sees it: every command it runs gets the environment's variables
 * (a command's own win). Thread-safe like the container it wraps; closing closes it.
 */
final class EnvContainer implements SandboxContainer {
  private final SandboxContainer container;
  private final Map<String, String> env;

  EnvContainer(SandboxContainer container, Map<String, String> env) {
    this.container = container;
    this.env = Map.copyOf(env);
  }

  static SandboxContainer of(SandboxContainer container, Map<String, String> env) {
    return env.isEmpty() ? container : new EnvContainer(container, env);
  }

  @Override
  public String id() {
    return container.id();
  }

  @Override
  public ExecResult exec(ExecRequest request) {
    Map<String, String> merged = new HashMap<>(env);
    merged.putAll(request.env());
    return container.exec(
        new ExecRequest(
            request.command(),
            request.workdir(),
            merged,
            request.stdin(),
            request.timeout(),
            request.onOutput()));
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
    container.close();
  }
}
