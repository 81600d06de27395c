package dev.dockhand.queue;

import java.util.Optional;

/** A validated submission. Optional limits fall back to the deployment's defaults. */
public record NewTask(
    long userId,
    String repo,
    Optional<String> branch,
    String prompt,
    Optional<String> model,
    Optional<Integer> maxTurns,
    Optional<Double> budgetUsd) {}
