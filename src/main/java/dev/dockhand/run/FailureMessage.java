package dev.dockhand.run;

import dev.dockhand.events.EventPayload.ChecksFinished;
import dev.dockhand.git.CodeBlock;

/**
 * What the agent is told when the checks fail after its turn: the command, how it ended, the test
 * counts, the end of its output and where the rest is, and what to do. Stateless.
 */
final class FailureMessage {
  private FailureMessage() {}

  static String of(ChecksPhase.Run run, int round, int fixRounds) {
    ChecksFinished result = run.result();
    StringBuilder text = new StringBuilder("The repository's checks failed after your turn: `");
    text.append(result.command()).append("` ");
    text.append(
        run.limit()
            .map(limit -> "did not finish within " + limit)
            .orElse("exited with " + result.exitCode()));
    text.append(result.counts().isEmpty() ? "" : " (" + result.counts() + ")").append(".\n\n");
    if (!run.tail().isEmpty()) {
      text.append("The end of its output:\n\n").append(CodeBlock.of(run.tail())).append("\n\n");
    }
    text.append("The whole output is in ")
        .append(run.log())
        .append(
            ". Find the cause and fix it (in the code, or in a test that is itself wrong; never by"
                + " skipping or weakening a test), then end your turn with a short summary of the"
                + " fix: the checks run again after it. This is round ")
        .append(round)
        .append(" of ")
        .append(fixRounds)
        .append(" for fixing them.");
    return text.toString();
  }
}
