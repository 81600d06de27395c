package dev.dockhand.queue;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Optional;

/**
 * A validated submission. Optional limits fall back to the deployment's defaults.
 *
 * @param egressAllow hosts this task may reach besides the operator's allowlist, each an egress
 *     entry in its normal form ({@code host}, {@code *.domain}, with or without {@code :port}); the
 *     web layer checks them against what the operator permits
 */
public record NewTask(
    long userId,
    String repo,
    Optional<String> branch,
    String prompt,
    Optional<String> model,
    Optional<Integer> maxTurns,
    Optional<Double> budgetUsd,
    // Left out of the idempotency fingerprint when empty, so keys stored before the field existed
    // still match the same request.
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> egressAllow) {

  public NewTask {
    egressAllow = List.copyOf(egressAllow);
  }

  /** A submission that adds no hosts. */
  public NewTask(
      long userId,
      String repo,
      Optional<String> branch,
      String prompt,
      Optional<String> model,
      Optional<Integer> maxTurns,
      Optional<Double> budgetUsd) {
    this(userId, repo, branch, prompt, model, maxTurns, budgetUsd, List.of());
  }
}
