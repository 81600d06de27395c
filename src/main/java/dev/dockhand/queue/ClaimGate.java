package dev.dockhand.queue;

/**
 * What else, besides its free task slots, limits how much work a node claims: for example the free
 * space on its data disk. Implementations are thread-safe and quick (called on every claim round).
 */
@FunctionalInterface
public interface ClaimGate {
  /** No limit beyond the task slots. */
  ClaimGate OPEN = wanted -> wanted;

  /** How many of {@code wanted} tasks the node may claim now; 0 holds claiming back. */
  int admit(int wanted);
}
