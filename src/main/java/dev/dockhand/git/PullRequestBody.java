package dev.dockhand.git;

import dev.dockhand.events.EventPayload.ChecksFinished;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * A pull request's description, written for its reviewer: the agent's summary (and what it said
 * after fixing failing checks), the checks' result, the files changed with their line counts, the
 * model, turns and cost, the prompt, and a link to the task's live page. What came from the
 * container or the repository (command output, paths) is quoted as code, never rendered. Stateless.
 */
final class PullRequestBody {
  static final int TEXT_LIMIT = 10_000;
  static final int FIX_LIMIT = 2_000;
  static final int COMMAND_LIMIT = 200;

  private PullRequestBody() {}

  static String of(PublishRequest request, ChangedFiles changes, Optional<URI> publicUrl) {
    RunReport report = request.report();
    StringBuilder body = new StringBuilder();
    String summary = request.summary() == null ? "" : request.summary().strip();
    body.append(summary.isEmpty() ? "The agent left no summary." : cut(summary, TEXT_LIMIT));
    body.append("\n\n");
    if (!report.fixes().isEmpty()) {
      body.append("### After the checks failed\n\n");
      int round = 1;
      for (String fix : report.fixes()) {
        String said =
            fix.strip().isEmpty() ? "(the agent said nothing)" : cut(fix.strip(), FIX_LIMIT);
        body.append("**Fix ").append(round++).append(".** ").append(said).append("\n\n");
      }
    }
    checks(body, report);
    files(body, changes);
    if (!report.model().isEmpty()) {
      body.append("### Run\n\nModel ").append(CodeBlock.inline(report.model())).append(" · ");
      body.append(report.turns()).append(report.turns() == 1 ? " turn" : " turns").append(" · ");
      body.append(String.format(Locale.ROOT, "$%.4f", report.costUsd())).append("\n\n");
    }
    body.append("---\n\n**Prompt**\n\n");
    cut(request.prompt().strip(), TEXT_LIMIT)
        .lines()
        .forEach(line -> body.append("> ").append(line).append('\n'));
    body.append("\nOpened by Dockhand for ")
        .append(taskReference(request.taskId(), publicUrl))
        .append(".\n");
    return body.toString();
  }

  private static void checks(StringBuilder body, RunReport report) {
    body.append("### Checks\n\n");
    if (report.checks().isEmpty()) {
      body.append(
          "No checks ran: none are saved for this repository, and none were found in its"
              + " files.\n\n");
      return;
    }
    ChecksReport checks = report.checks().get();
    ChecksFinished result = checks.result();
    String command = CodeBlock.inline(cut(result.command(), COMMAND_LIMIT));
    String counts = result.counts().isEmpty() ? "" : " (" + result.counts() + ")";
    int fixes = result.round() - 1;
    String when =
        (fixes <= 0
                ? "on the first run"
                : "on run "
                    + result.round()
                    + ", after "
                    + fixes
                    + (fixes == 1 ? " round" : " rounds")
                    + " of fixes")
            + ", in "
            + seconds(result.durationMs());
    if (result.succeeded()) {
      body.append("✅ **Passed**: ").append(command).append(counts).append(' ').append(when);
      body.append(".\n\n");
      return;
    }
    String how =
        checks
            .limit()
            .map(limit -> "did not finish within " + limit)
            .orElse("exited with " + result.exitCode());
    body.append("❌ **Failed**: ").append(command).append(' ').append(how).append(counts);
    body.append(' ').append(when).append('.');
    checks.stopped().ifPresent(why -> body.append(" No further round: ").append(why).append('.'));
    body.append(" This pull request is a draft until they pass.\n\n");
    if (!checks.outputTail().isEmpty()) {
      body.append("<details><summary>The end of the output</summary>\n\n")
          .append(CodeBlock.of(checks.outputTail()))
          .append("\n\n</details>\n\n");
    }
  }

  private static void files(StringBuilder body, ChangedFiles changes) {
    body.append("### Files changed (").append(changes.total()).append(")\n\n");
    if (changes.files().isEmpty()) {
      return;
    }
    body.append("| File | + | − |\n|---|---:|---:|\n");
    for (ChangedFiles.FileChange file : changes.files()) {
      String path = file.oldPath().map(old -> cell(old) + " → ").orElse("") + cell(file.path());
      body.append("| ").append(path).append(" | ");
      body.append(file.binary() ? "binary | " : file.added() + " | " + file.removed());
      body.append(" |\n");
    }
    int more = changes.total() - changes.files().size();
    if (more > 0) {
      body.append("\n…and ").append(more).append(more == 1 ? " more file" : " more files");
      body.append(" (the task's page shows the whole diff).\n");
    }
    body.append('\n');
  }

  /** A path as code in a table cell: its pipes escaped, as GitHub's tables need. */
  private static String cell(String path) {
    return CodeBlock.inline(path).replace("|", "\\|");
  }

  private static String taskReference(String taskId, Optional<URI> publicUrl) {
    return publicUrl
        .map(
            url ->
                "[task "
                    + taskId
                    + "]("
                    + url.toString().replaceAll("/+$", "")
                    + "/#/tasks/"
                    + taskId
                    + ")")
        .orElse("task " + taskId);
  }

  private static String seconds(long millis) {
    return millis < 10_000
        ? String.format(Locale.ROOT, "%.1f s", millis / 1000.0)
        : millis < 120_000
            ? millis / 1000 + " s"
            : millis / 60_000 + " min " + millis / 1000 % 60 + " s";
  }

  static String cut(String text, int limit) {
    return text.length() <= limit ? text : text.substring(0, limit) + "…";
  }
}
