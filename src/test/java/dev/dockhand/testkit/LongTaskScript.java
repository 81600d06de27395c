package dev.dockhand.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A long scripted task for the stand-in: {@code turns} model turns, each one bash call whose output
 * is {@code resultChars} characters (fresh random text each time, so nothing repeats by chance),
 * then a closing summary. A request from Dockhand's own compaction (its hand-over notes prompt) is
 * answered with notes and does not count as a turn. Thread-safe.
 */
public final class LongTaskScript implements Function<JsonNode, ScriptedTurn> {
  public static final String DONE = "All steps are done.";
  public static final String NOTES = "Notes: the agent ran the numbered steps; keep going.";

  private final int turns;
  private final int resultChars;
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger summaries = new AtomicInteger();

  public LongTaskScript(int turns, int resultChars) {
    this.turns = turns;
    this.resultChars = resultChars;
  }

  @Override
  public ScriptedTurn apply(JsonNode request) {
    if (request.path("system").toString().contains("hand-over notes")) {
      summaries.incrementAndGet();
      return ScriptedTurn.text(NOTES);
    }
    int turn = answered.incrementAndGet();
    if (turn > turns) {
      return ScriptedTurn.text(DONE);
    }
    return ScriptedTurn.reply(
        "Step " + turn + ".",
        ScriptedTurn.bash(
            "head -c " + resultChars * 3 + " /dev/urandom | base64 -w0 | head -c " + resultChars));
  }

  /** Model turns answered so far, the closing one included. */
  public int turnsAnswered() {
    return answered.get();
  }

  /** Hand-over notes asked for by Dockhand's own compaction. */
  public int summariesAsked() {
    return summaries.get();
  }
}
