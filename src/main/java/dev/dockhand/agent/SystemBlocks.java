package dev.dockhand.agent;

import com.anthropic.models.beta.messages.BetaTextBlockParam;
import dev.dockhand.queue.Task;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The system prompt of one run: the rules at once, and the repository's guidance from the first
 * turn after it is known, so a warm start need not wait for the clone. It changes at most once, so
 * prompt caching pays for it at most twice. Not thread-safe: the run's thread owns it.
 */
final class SystemBlocks {
  private final Task task;
  private final boolean cache;
  private final CompletableFuture<Optional<SystemPrompt.Guidance>> guidance;
  private List<BetaTextBlockParam> blocks;
  private boolean settled;

  SystemBlocks(
      Task task, boolean cache, CompletableFuture<Optional<SystemPrompt.Guidance>> guidance) {
    this.task = task;
    this.cache = cache;
    this.guidance = guidance;
  }

  List<BetaTextBlockParam> current() {
    if (!settled) {
      boolean known = guidance.isDone();
      // A failed read (the clone failed) leaves the rules alone; the attempt ends on its own.
      Optional<SystemPrompt.Guidance> found =
          known && !guidance.isCompletedExceptionally() ? guidance.join() : Optional.empty();
      if (blocks == null || known) {
        blocks = SystemPrompt.build(task, found, cache);
      }
      settled = known;
    }
    return blocks;
  }
}
