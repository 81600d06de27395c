package dev.dockhand.sandbox;

/**
 * Whether task containers can be started now, for {@code /readyz} and the {@code serve} start-up
 * line.
 *
 * @param engineReachable the Docker engine answered a ping
 * @param imagePresent the worker image exists on that engine
 * @param summary one line saying so, or naming what is wrong and the fix
 */
public record SandboxHealth(boolean engineReachable, boolean imagePresent, String summary) {
  public boolean ready() {
    return engineReachable && imagePresent;
  }
}
