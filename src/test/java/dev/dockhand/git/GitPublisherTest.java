package dev.dockhand.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import dev.dockhand.events.EventPayload.ChecksFinished;
import dev.dockhand.testkit.GitHttpServer;
import dev.dockhand.testkit.GitHubStandIn;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitPublisherTest {
  private static final String TOKEN = "gho_publisher_token_c0ffee";
  private static final String REPO = "acme/widgets";
  private static final String TASK_ID = "5f0c2a9e-1111-4222-8333-944455556666";
  private static final String SHORT_ID = "5f0c2a9e";
  private static final GitIdentity USER =
      new GitIdentity("Ada Lovelace", "ada@users.noreply.github.com");
  private static final URI PUBLIC_URL = URI.create("https://dockhand.example/");

  @TempDir Path temp;
  private GitHttpServer git;
  private GitHubStandIn gitHub;
  private GitSettings settings;
  private int attempts;

  @BeforeEach
  void start() {
    git = GitHttpServer.start(TOKEN);
    gitHub = GitHubStandIn.start(TOKEN);
    Map<String, String> env = new HashMap<>(git.environment());
    env.put("GITHUB_API_URL", gitHub.apiUrl().toString());
    settings = GitSettings.from(new Env(env));
    git.createRepo(REPO, Map.of("README.md", "# Widgets\n", "src/widget.txt", "round\n"));
  }

  @AfterEach
  void stop() {
    git.close();
    gitHub.close();
  }

  @Test
  void publishesTheChangesAsATaskBranchAndAPullRequest() throws IOException {
    GitWorkspace workspace = attempt(Map.of("src/widget.txt", "square\n"));

    PublishResult result =
        publisher().publish(workspace, request("Make the widget square\n\nIt rolls away."));

    assertThat(result.headBranch()).contains("dockhand/" + SHORT_ID);
    assertThat(result.commit()).contains(git.head(REPO, "dockhand/" + SHORT_ID).orElseThrow().id());
    assertThat(git.files(REPO, "dockhand/" + SHORT_ID)).containsEntry("src/widget.txt", "square\n");
    assertThat(git.head(REPO, "dockhand/" + SHORT_ID).orElseThrow().message())
        .isEqualTo(
            "Make the widget square\n\nMake the widget square\n\nIt rolls away.\n\n"
                + "Co-authored-by: Ada Lovelace <ada@users.noreply.github.com>\n");
    assertThat(result.diff()).contains("-round\n+square\n");
    assertThat(gitHub.pullRequests())
        .singleElement()
        .satisfies(
            pull -> {
              assertThat(result.prUrl()).contains(pull.htmlUrl());
              assertThat(pull.head()).isEqualTo("dockhand/" + SHORT_ID);
              assertThat(pull.base()).isEqualTo("main");
              assertThat(pull.title())
                  .as("the agent's summary")
                  .isEqualTo("The widget is square now.");
              assertThat(pull.draft()).isFalse();
              assertThat(pull.body())
                  .startsWith("The widget is square now.")
                  .contains(
                      "### Files changed (1)\n\n| File | + | − |\n|---|---:|---:|\n"
                          + "| `src/widget.txt` | 1 | 1 |\n")
                  .contains("No checks ran")
                  .contains("> It rolls away.")
                  .contains("https://dockhand.example/#/tasks/" + TASK_ID);
            });
  }

  @Test
  void checksThatFailedOpenADraftWhoseBodyQuotesTheFailureAndTheRun() {
    GitWorkspace workspace = attempt(Map.of("src/widget.txt", "square\n"));
    ChecksReport failed =
        new ChecksReport(
            new ChecksFinished("npm test", 1, 10, 2, 4200, 3),
            "FAIL src/widget.test.js\n  ``` a fence in the output\nTests: 2 failed, 10 passed",
            Optional.empty(),
            Optional.of("the agent had its 2 rounds to fix them (DOCKHAND_CHECKS_ROUNDS)"));
    RunReport report =
        new RunReport(
            "claude-sonnet-4-5",
            7,
            0.04213,
            Optional.of(failed),
            List.of("Fixed the rounding.", "Fixed the rounding again."));

    publisher().publish(workspace, request("Make the widget square", report));

    GitHubStandIn.PullRequest pull = gitHub.pullRequests().getFirst();
    assertThat(pull.draft()).isTrue();
    assertThat(gitHub.calls().getLast().body()).contains("\"draft\":true");
    assertThat(pull.body())
        .contains(
            "❌ **Failed**: `npm test` exited with 1 (2 failed, 10 passed) on run 3, after 2 rounds"
                + " of fixes, in 4.2 s. No further round: the agent had its 2 rounds to fix them"
                + " (DOCKHAND_CHECKS_ROUNDS). This pull request is a draft until they pass.")
        .contains("````\nFAIL src/widget.test.js\n  ``` a fence in the output\nTests: 2 failed")
        .contains("**Fix 1.** Fixed the rounding.", "**Fix 2.** Fixed the rounding again.")
        .contains("### Run\n\nModel `claude-sonnet-4-5` · 7 turns · $0.0421\n");
  }

  @Test
  void checksThatPassedAfterAFixOpenAReadyPullRequestThatSaysSo() {
    GitWorkspace workspace = attempt(Map.of("src/widget.txt", "square\n"));
    ChecksReport passed =
        new ChecksReport(
            new ChecksFinished("make test", 0, null, null, 12_000, 2),
            "",
            Optional.empty(),
            Optional.empty());

    publisher()
        .publish(
            workspace,
            request(
                "Make the widget square",
                new RunReport("claude-opus-4-5", 1, 0, Optional.of(passed), List.of("Fixed."))));

    GitHubStandIn.PullRequest pull = gitHub.pullRequests().getFirst();
    assertThat(pull.draft()).isFalse();
    assertThat(gitHub.calls().getLast().body()).doesNotContain("draft");
    assertThat(pull.body())
        .contains("✅ **Passed**: `make test` on run 2, after 1 round of fixes, in 12 s.")
        .contains("1 turn · $0.0000")
        .doesNotContain("draft until");
  }

  @Test
  void aRepositoryWithoutDraftsGetsAReadyPullRequestThatSaysItShouldBeOne() {
    gitHub.refuseDrafts();
    GitWorkspace workspace = attempt(Map.of("src/widget.txt", "square\n"));
    ChecksReport timedOut =
        new ChecksReport(
            new ChecksFinished("go test ./...", -1, null, null, 600_000, 1),
            "=== RUN   TestSlow",
            Optional.of("10 min (DOCKHAND_CHECKS_TIMEOUT)"),
            Optional.of("the task had no model turns left (of 3)"));

    PublishResult result =
        publisher()
            .publish(
                workspace,
                request(
                    "Make the widget square",
                    new RunReport("m", 3, 0, Optional.of(timedOut), List.of())));

    GitHubStandIn.PullRequest pull = gitHub.pullRequests().getFirst();
    assertThat(result.prUrl()).contains(pull.htmlUrl());
    assertThat(pull.draft()).isFalse();
    assertThat(gitHub.calls().stream().filter(call -> call.method().equals("POST")))
        .extracting(call -> call.body().contains("\"draft\":true"))
        .containsExactly(true, false);
    assertThat(pull.body())
        .contains("`go test ./...` did not finish within 10 min (DOCKHAND_CHECKS_TIMEOUT)")
        .contains("on the first run, in 10 min 0 s")
        .contains("does not take drafts: it opened ready for review");
  }

  @Test
  void theFilesChangedListRenamesAndBinariesAndCountsWhatItLeavesOut() throws IOException {
    GitWorkspace workspace = attempt(Map.of());
    Path tree = workspace.workTree();
    Files.move(tree.resolve("README.md"), tree.resolve("GUIDE.md"));
    Files.write(tree.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 1, 2});
    Files.writeString(tree.resolve("pipe|name.txt"), "a\nb\n");
    for (int i = 0; i < GitPublisher.MAX_FILES; i++) {
      Files.writeString(tree.resolve(String.format("z%02d.txt", i)), "line\n");
    }

    publisher().publish(workspace, request("Add files"));

    String body = gitHub.pullRequests().getFirst().body();
    assertThat(body)
        .contains("### Files changed (" + (GitPublisher.MAX_FILES + 3) + ")")
        .contains("| `README.md` → `GUIDE.md` | 0 | 0 |")
        .contains("| `logo.png` | binary |  |")
        .contains("| `pipe\\|name.txt` | 2 | 0 |")
        .contains("…and 3 more files (the task's page shows the whole diff).");
  }

  @Test
  void aTaskThatChangedNothingPublishesNothing() {
    GitWorkspace workspace = attempt(Map.of());

    assertThat(publisher().publish(workspace, request("Look around")))
        .isEqualTo(PublishResult.NOTHING);
    assertThat(git.branches(REPO)).containsExactly("main");
    assertThat(gitHub.calls()).isEmpty();
  }

  @Test
  void workKeptWithoutAPullRequestIsPushedToTheTaskBranchAlone() {
    GitWorkspace workspace = attempt(Map.of("NOTES.md", "half done\n"));
    PublishRequest unfinished =
        new PublishRequest(TASK_ID, SHORT_ID, "Add notes", "", USER, new Secret(TOKEN), false);

    PublishResult result = publisher().publish(workspace, unfinished);

    assertThat(result.headBranch()).contains("dockhand/" + SHORT_ID);
    assertThat(result.prUrl()).isEmpty();
    assertThat(git.files(REPO, "dockhand/" + SHORT_ID)).containsEntry("NOTES.md", "half done\n");
    assertThat(gitHub.pullRequests()).isEmpty();
  }

  @Test
  void publishingTwiceLeavesOneBranchAndOnePullRequest() {
    GitWorkspace workspace = attempt(Map.of("NOTES.md", "notes\n"));

    PublishResult first = publisher().publish(workspace, request("Add notes"));
    PublishResult second = publisher().publish(workspace, request("Add notes"));

    assertThat(second).isEqualTo(first);
    assertThat(git.branches(REPO)).containsExactly("dockhand/" + SHORT_ID, "main");
    assertThat(gitHub.pullRequests()).hasSize(1);
    assertThat(gitHub.calls()).filteredOn(call -> call.method().equals("POST")).hasSize(1);
  }

  @Test
  void aRetryAfterACrashBetweenPushAndPullRequestFindsNoDuplicate() {
    gitHub.failPullRequestCreation(502, 1);
    GitWorkspace crashed = attempt(Map.of("NOTES.md", "first try\n"));
    assertThatThrownBy(() -> publisher().publish(crashed, request("Add notes")))
        .isInstanceOfSatisfying(GitException.class, e -> assertThat(e.retryable()).isTrue());
    assertThat(git.branches(REPO)).contains("dockhand/" + SHORT_ID);

    PublishResult retried =
        publisher().publish(attempt(Map.of("NOTES.md", "second try\n")), request("Add notes"));
    PublishResult again =
        publisher().publish(attempt(Map.of("NOTES.md", "third try\n")), request("Add notes"));

    assertThat(git.branches(REPO)).containsExactly("dockhand/" + SHORT_ID, "main");
    assertThat(git.files(REPO, "dockhand/" + SHORT_ID)).containsEntry("NOTES.md", "third try\n");
    assertThat(gitHub.pullRequests()).hasSize(1);
    assertThat(again.prUrl()).isEqualTo(retried.prUrl()).isPresent();
  }

  @Test
  void aFollowUpContinuesFromTheTasksBranchAndItsDiffCoversAllTheWork() throws IOException {
    String originalBase = git.head(REPO, "main").orElseThrow().id();
    publisher().publish(attempt(Map.of("first.txt", "one\n")), request("Add first"));
    git.commit(REPO, "main", Map.of("UPSTREAM.md", "meanwhile\n"), "Someone else's work");

    GitWorkspace followUp = resumed(Optional.of("dockhand/" + SHORT_ID));
    Files.writeString(followUp.workTree().resolve("second.txt"), "two\n");
    PublishResult result = publisher().publish(followUp, request("Add first"));

    assertThat(followUp.baseBranch()).isEqualTo("main");
    assertThat(followUp.baseCommit()).isEqualTo(originalBase);
    assertThat(git.files(REPO, "dockhand/" + SHORT_ID))
        .containsKeys("first.txt", "second.txt")
        .doesNotContainKey("UPSTREAM.md");
    assertThat(result.diff()).contains("b/first.txt", "b/second.txt").doesNotContain("UPSTREAM");
    assertThat(gitHub.pullRequests()).hasSize(1);
  }

  @Test
  void aFollowUpWhoseTaskNeverPushedStartsFromTheBase() {
    GitWorkspace followUp = resumed(Optional.of("dockhand/" + SHORT_ID));

    assertThat(followUp.baseCommit()).isEqualTo(git.head(REPO, "main").orElseThrow().id());
    assertThat(publisher().publish(followUp, request("Look"))).isEqualTo(PublishResult.NOTHING);
  }

  @Test
  void aHostOtherThanGitHubGetsThePushAlone() {
    Map<String, String> env = new HashMap<>(git.environment());
    env.remove("GITHUB_URL");
    env.put("GITHUB_API_URL", gitHub.apiUrl().toString());
    settings = GitSettings.from(new Env(env));
    GitWorkspace workspace = attempt(Map.of("NOTES.md", "notes\n"));

    PublishResult result = publisher().publish(workspace, request("Add notes"));

    assertThat(result.headBranch()).contains("dockhand/" + SHORT_ID);
    assertThat(result.prUrl()).isEmpty();
    assertThat(git.branches(REPO)).contains("dockhand/" + SHORT_ID);
    assertThat(gitHub.calls()).isEmpty();
  }

  @Test
  void aLongPromptMakesASubjectOfAtMost72Characters() {
    String subject =
        GitPublisher.subject("  Please " + "refactor the widget factory ".repeat(5) + "\nmore");

    assertThat(subject)
        .hasSizeLessThanOrEqualTo(72)
        .startsWith("Please refactor the widget")
        .endsWith("…");
    assertThat(GitPublisher.subject("\n\n  Fix\tthe   bug \n")).isEqualTo("Fix the bug");
  }

  @Test
  void workOnSomeonesPullRequestBranchFastForwardsItAndNeverReplacesWhatTheyPushed() {
    git.commit(REPO, "feature/x", Map.of("src/widget.txt", "oval\n"), "Oval");
    String pull = "https://github.example/acme/widgets/pull/3";
    PublishTarget target =
        new PublishTarget(Optional.of("feature/x"), Optional.of(pull), Optional.empty());
    RepoUrl repo = RepoUrl.parse(git.url(REPO), settings);
    GitPublisher publisher =
        new GitPublisher(
            GitHost.forRepo(repo, settings, HttpClient.newHttpClient()),
            Optional.of(PUBLIC_URL),
            taskId -> target);

    GitWorkspace first = onBranch("feature/x", Map.of("NOTES.md", "one\n"));
    PublishResult result = publisher.publish(first, request("Add notes"));
    assertThat(result.headBranch()).contains("feature/x");
    assertThat(result.prUrl()).contains(pull);
    assertThat(git.files(REPO, "feature/x"))
        .containsEntry("NOTES.md", "one\n")
        .containsEntry("src/widget.txt", "oval\n");
    assertThat(git.branches(REPO)).containsExactlyInAnyOrder("main", "feature/x");
    assertThat(gitHub.pullRequests()).isEmpty();

    GitWorkspace stale = onBranch("feature/x", Map.of("NOTES.md", "two\n"));
    String theirs = git.commit(REPO, "feature/x", Map.of("THEIRS.md", "mine\n"), "Theirs");
    assertThatThrownBy(() -> publisher.publish(stale, request("Change notes")))
        .isInstanceOf(GitException.class)
        .hasMessageContaining("feature/x");
    assertThat(git.head(REPO, "feature/x").orElseThrow().id()).isEqualTo(theirs);
  }

  @Test
  void aPullRequestThatClosesAnIssueSaysSo() {
    RepoUrl repo = RepoUrl.parse(git.url(REPO), settings);
    GitPublisher publisher =
        new GitPublisher(
            GitHost.forRepo(repo, settings, HttpClient.newHttpClient()),
            Optional.of(PUBLIC_URL),
            taskId -> new PublishTarget(Optional.empty(), Optional.empty(), Optional.of(12)));
    publisher.publish(attempt(Map.of("src/widget.txt", "square\n")), request("Square it"));
    assertThat(gitHub.pullRequests().getFirst().body()).contains("Fixes #12");
  }

  private GitWorkspace onBranch(String branch, Map<String, String> edits) {
    return clone(Optional.of(branch), edits);
  }

  private GitWorkspace clone(Optional<String> branch, Map<String, String> edits) {
    RepoUrl repo = RepoUrl.parse(git.url(REPO), settings);
    GitWorkspace workspace =
        TaskClones.cloneAndCheckOut(
            repo,
            branch,
            Optional.empty(),
            temp.resolve("attempt-" + ++attempts),
            new Secret(TOKEN),
            WorkspaceLimits.DEFAULT);
    edits.forEach(
        (path, content) -> {
          try {
            Files.writeString(workspace.workTree().resolve(path), content);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    return workspace;
  }

  private GitPublisher publisher() {
    RepoUrl repo = RepoUrl.parse(git.url(REPO), settings);
    return new GitPublisher(
        GitHost.forRepo(repo, settings, HttpClient.newHttpClient()), Optional.of(PUBLIC_URL));
  }

  private PublishRequest request(String prompt) {
    return new PublishRequest(
        TASK_ID, SHORT_ID, prompt, "The widget is square now.", USER, new Secret(TOKEN), true);
  }

  private PublishRequest request(String prompt, RunReport report) {
    return new PublishRequest(
        TASK_ID,
        SHORT_ID,
        prompt,
        "The widget is square now.",
        USER,
        new Secret(TOKEN),
        true,
        report);
  }

  private GitWorkspace resumed(Optional<String> taskBranch) {
    RepoUrl repo = RepoUrl.parse(git.url(REPO), settings);
    return TaskClones.cloneAndCheckOut(
        repo,
        Optional.of("main"),
        taskBranch,
        temp.resolve("attempt-" + ++attempts),
        new Secret(TOKEN),
        WorkspaceLimits.DEFAULT);
  }

  /** A fresh clone, as each attempt gets, with the agent's edits applied. */
  private GitWorkspace attempt(Map<String, String> edits) {
    return clone(Optional.empty(), edits);
  }
}
