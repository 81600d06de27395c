package dev.dockhand.git;

import java.util.List;
import java.util.Optional;

/**
 * What a pull request tells its reviewer about the run beside the changes. Immutable.
 *
 * @param model the model that did the work
 * @param turns the model turns this attempt took
 * @param costUsd what the task has cost so far, in US dollars
 * @param checks the repository's checks, empty when it has none
 * @param fixes what the agent said at the end of each round in which it fixed failing checks
 */
public record RunReport(
    String model, int turns, double costUsd, Optional<ChecksReport> checks, List<String> fixes) {
  public static final RunReport NONE = new RunReport("", 0, 0, Optional.empty(), List.of());

  public RunReport {
    fixes = List.copyOf(fixes);
  }
}
