package dev.dockhand.git;

import dev.dockhand.events.EventPayload.ChecksFinished;
import java.util.Optional;

/**
 * What a pull request says of the repository's checks: their last run and, when it failed, the end
 * of its output and why no further round was tried. The output is the container's: it is quoted in
 * a code block, never rendered as markdown. Immutable.
 *
 * @param outputTail the end of a failed run's output (empty when it passed)
 * @param limit the time limit a run that was stopped met, naming its key
 * @param stopped why the agent got no further round, for a run that failed
 */
public record ChecksReport(
    ChecksFinished result, String outputTail, Optional<String> limit, Optional<String> stopped) {}
