package dev.dockhand.githubapp;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.create;
import static dev.dockhand.testkit.ScriptedTurn.reply;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static dev.dockhand.testkit.ScriptedTurn.tools;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.events.Event;
import dev.dockhand.events.EventKind;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskStatus;
import dev.dockhand.testkit.GitHubAppStandIn;
import dev.dockhand.testkit.GitHubAppStandIn.Person;
import dev.dockhand.testkit.ScriptedTurn;
import dev.dockhand.testkit.ServerHarness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The GitHub App's journeys through the real parts: signed deliveries from the stand-in GitHub to
 * the server's webhook, tasks on the queue, the agent in a container against the stand-in model,
 * clone and push over smart HTTP with the App's installation token (the git server refuses the
 * person's own), and the pull requests, reactions and comments GitHub shows.
 */
@Tag("docker")
class GitHubAppJourneyTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String REPO = "acme/widgets";
  private static final Person ALICE = new Person("alice", 501);
  private static final Person ROB = new Person("rob", 502);

  private ServerHarness harness;
  private GitHubAppStandIn app;
  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  private final PrintStream originalErr = System.err;
  private Map<String, String> env;

  @BeforeEach
  void start() {
    System.setErr(new PrintStream(new TeeStream(originalErr, logs), true, StandardCharsets.UTF_8));
    harness = new ServerHarness();
    harness.git.createRepo(REPO, Map.of("README.md", "# Widgets\n", "greeting.txt", "hello\n"));
    app = harness.github.installApp("dockhand-bot");
    app.install(REPO);
    app.role("alice", "write");
    app.role("rob", "read");
    app.onTokenIssued(harness.git::acceptToken);
    harness.git.onlyAccept();
    env = harness.environment("a");
    env.putAll(app.environment(harness.dataDir("app")));
    env.put("DOCKHAND_ALLOWED_USERS", "alice,rob");
    env.put("DOCKHAND_CI_FIX_ROUNDS", "1");
  }

  /** Starts the server; a test may change {@link #env} before. */
  private void serve() {
    harness.start(env);
  }

  @AfterEach
  void stop() {
    try {
      harness.close();
    } finally {
      System.setErr(originalErr);
    }
  }

  @Test
  void anIssueMentionOpensAPullRequestThatFixesTheIssueWithTheInstallationTokenKeptOutOfEverything()
      throws Exception {
    serve();
    harness.model.script(
        reply(
            "Looking around.",
            bash("env; cat /workspace/.git/config; grep -rs ghs_ /workspace /tmp /etc || true")),
        tools(create("/workspace/CHANGELOG.md", "# Changes\n")),
        text("I added a changelog."));

    int status =
        app.deliver(
            harness.origin(),
            "issues",
            app.issueOpened(
                REPO,
                7,
                "No changelog",
                "We need one.\n\n@dockhand-bot add a CHANGELOG.md",
                ALICE));
    assertThat(status).isEqualTo(202);

    Task task = awaitTask(t -> t.status() == TaskStatus.SUCCEEDED);
    awaitThat(() -> app.comments().stream().anyMatch(comment -> comment.edits() > 0));

    assertThat(harness.github.pullRequests())
        .singleElement()
        .satisfies(
            pull -> {
              assertThat(pull.head()).isEqualTo("dockhand/" + task.shortId());
              assertThat(pull.body()).contains("Fixes #7");
              assertThat(pull.authorization()).startsWith("Bearer ghs_");
            });
    assertThat(harness.node().auth().users().find(task.userId()).orElseThrow().login())
        .isEqualTo("alice");
    assertThat(task.prompt()).contains("No changelog", "We need one.", "add a CHANGELOG.md");
    assertThat(harness.git.files(REPO, "dockhand/" + task.shortId()))
        .containsEntry("CHANGELOG.md", "# Changes\n");
    assertThat(app.reactions()).contains("issues/7 eyes");
    GitHubAppStandIn.Comment progress = app.comments().getFirst();
    assertThat(progress.number()).isEqualTo(7);
    assertThat(progress.body()).contains("Done", "I added a changelog.", "Cost:", task.id());

    List<String> tokens = app.issuedTokens();
    assertThat(tokens).isNotEmpty().allMatch(harness.git::sawToken);
    String events = eventsOf(task.id()).toString();
    String toolOutput =
        eventsOf(task.id()).stream()
            .filter(event -> event.kind() == EventKind.TOOL_RESULT)
            .findFirst()
            .orElseThrow()
            .data()
            .toString();
    assertThat(toolOutput).contains("PATH=");
    String logged = logs.toString(StandardCharsets.UTF_8);
    assertThat(logged).contains("GitHub delivery", "(issues): task " + task.id());
    for (String token : tokens) {
      assertThat(events).doesNotContain(token);
      assertThat(logged).doesNotContain(token);
      assertThat(progress.body()).doesNotContain(token);
    }
    assertThat(app.tokenRequests())
        .anySatisfy(
            request -> {
              assertThat(request.path("repositories").toString()).isEqualTo("[\"widgets\"]");
              assertThat(request.path("permissions").path("contents").asText()).isEqualTo("write");
            });
    assertThat(app.refusals()).isEmpty();
  }

  @Test
  void aCommentOnSomeonesPullRequestPushesToItsBranchAndOpensNoSecondPullRequest()
      throws Exception {
    serve();
    harness.git.commit(REPO, "feature/greet", Map.of("greeting.txt", "hi\n"), "A greeting");
    int number =
        harness.github.openPull(
            "acme", "widgets", "feature/greet", "main", "Friendlier greeting", "");
    harness.model.script(
        tools(create("/workspace/greeting.txt", "hi there\n")), text("Made it friendlier."));

    app.deliver(
        harness.origin(),
        "issue_comment",
        app.issueComment(REPO, number, true, "@dockhand-bot make it warmer", ALICE));

    Task task = awaitTask(t -> t.status() == TaskStatus.SUCCEEDED);
    assertThat(task.branch()).contains("feature/greet");
    assertThat(task.headBranch()).contains("feature/greet");
    assertThat(harness.git.files(REPO, "feature/greet"))
        .containsEntry("greeting.txt", "hi there\n");
    assertThat(harness.git.branches(REPO)).containsExactlyInAnyOrder("main", "feature/greet");
    assertThat(harness.github.pullRequests()).hasSize(1);
    assertThat(task.prUrl()).hasValueSatisfying(url -> assertThat(url).endsWith("/pull/" + number));
    assertThat(task.prompt()).contains("Friendlier greeting", "make it warmer");
  }

  @Test
  void oneReviewWithThreeCommentsBecomesOneFollowUpOnTheSameBranchAndPullRequest()
      throws Exception {
    serve();
    Task first = issueTaskWithPullRequest();
    int number = harness.github.pullRequests().getFirst().number();
    List<GitHubAppStandIn.ReviewComment> inline =
        List.of(
            app.inline(
                "CHANGELOG.md",
                1,
                "@@ -0,0 +1 @@\n+# Changes",
                "@dockhand-bot use a level-2 heading"),
            app.inline("CHANGELOG.md", 1, "@@ -0,0 +1 @@\n+# Changes", "and add a date"),
            app.inline("README.md", 1, "@@ -1 +1 @@\n # Widgets", "link the changelog here"));
    long review = app.review(REPO, number, ALICE, "A few things.", inline);
    harness.model.script(tools(create("/workspace/CHANGELOG.md", "## Changes\n")), text("Done."));

    for (GitHubAppStandIn.ReviewComment comment : inline) {
      app.deliver(
          harness.origin(),
          "pull_request_review_comment",
          app.reviewCommentCreated(REPO, review, comment));
    }
    app.deliver(harness.origin(), "pull_request_review", app.reviewSubmitted(REPO, review));

    awaitThat(() -> userMessages(first.id()).size() == 2);
    awaitTask(t -> t.status() == TaskStatus.SUCCEEDED && t.attempt() > first.attempt());
    awaitThat(
        () ->
            harness.node().queue().get(first.id()).orElseThrow().status().terminal()
                && harness.model.turnsLeft() == 0);
    String followUp = userMessages(first.id()).get(1);
    assertThat(followUp)
        .contains("use a level-2 heading", "and add a date", "link the changelog here")
        .contains("CHANGELOG.md, line 1", "README.md, line 1", "+# Changes");
    assertThat(allTasks()).hasSize(1);
    assertThat(harness.github.pullRequests()).hasSize(1);
    assertThat(harness.git.files(REPO, "dockhand/" + first.shortId()))
        .containsEntry("CHANGELOG.md", "## Changes\n");
    assertThat(app.reactions()).contains("pulls/comments/" + inline.getFirst().id() + " eyes");
  }

  @Test
  void aForgedDeliveryIsRefusedAndARedeliveryStartsNothingNew() throws Exception {
    serve();
    Map<String, Object> mention =
        app.issueComment(REPO, 3, false, "@dockhand-bot fix the typo", ALICE);
    assertThat(app.deliverForged(harness.origin(), "issue_comment", mention)).isEqualTo(401);
    assertThat(app.post(harness.origin(), "issue_comment", "d-unsigned", "", new byte[] {'{', '}'}))
        .isEqualTo(401);
    byte[] huge = new byte[Webhooks.MAX_BODY_BYTES + 1];
    assertThat(app.post(harness.origin(), "issue_comment", "d-huge", "sha256=00", huge))
        .isEqualTo(413);
    assertThat(pending()).isZero();
    assertThat(allTasks()).isEmpty();

    harness.model.script(text("Nothing to change."));
    assertThat(app.deliver(harness.origin(), "issue_comment", "d-1", mention)).isEqualTo(202);
    assertThat(app.deliver(harness.origin(), "issue_comment", "d-1", mention)).isEqualTo(200);
    awaitTask(t -> t.status() == TaskStatus.SUCCEEDED);
    assertThat(app.deliver(harness.origin(), "issue_comment", "d-1", mention)).isEqualTo(200);
    assertThat(allTasks()).hasSize(1);
    assertThat(app.comments()).hasSize(1);
  }

  @Test
  void aReadOnlyCommenterStartsNoTaskAndHearsNothing() throws Exception {
    serve();
    app.deliver(
        harness.origin(),
        "issue_comment",
        app.issueComment(REPO, 4, false, "@dockhand-bot delete everything", ROB));
    app.deliver(
        harness.origin(),
        "issue_comment",
        app.issueComment(
            REPO, 4, false, "@dockhand-bot[bot] and `@dockhand-bot` are not mentions", ALICE));
    awaitThat(() -> pending() == 0);
    assertThat(allTasks()).isEmpty();
    assertThat(app.comments()).isEmpty();
    assertThat(app.reactions()).isEmpty();
  }

  @Test
  void aStrangerGetsOnePoliteReplyWhereTheServerSaysSo() throws Exception {
    env.put("DOCKHAND_GITHUB_REPLY_TO_STRANGERS", "true");
    serve();
    app.role("mallory", "write");
    Map<String, Object> mention =
        app.issueComment(REPO, 5, false, "@dockhand-bot spend money", new Person("mallory", 503));
    app.deliver(harness.origin(), "issue_comment", mention);
    app.deliver(harness.origin(), "issue_comment", mention);
    app.deliver(
        harness.origin(),
        "issue_comment",
        app.issueComment(REPO, 5, false, "@dockhand-bot now", ROB));
    awaitThat(() -> pending() == 0);
    assertThat(allTasks()).isEmpty();
    assertThat(app.comments())
        .extracting(GitHubAppStandIn.Comment::body)
        .containsExactlyInAnyOrder(
            "Sorry, I can't take this on: @mallory is not on this Dockhand server's list of people"
                + " who may use it.",
            "Sorry, I can't take this on: only people with write access to acme/widgets can ask me"
                + " for changes.");
  }

  @Test
  void failingCiSendsOneFixRoundWithTheFailedJobsLogThenStopsAtTheLimit() throws Exception {
    serve();
    Task first = issueTaskWithPullRequest();
    int number = harness.github.pullRequests().getFirst().number();
    String branch = "dockhand/" + first.shortId();
    assertThat(harness.call("PUT", "/repos/acme/widgets/github", Map.of("ciFix", true)).status())
        .isEqualTo(200);
    long run =
        app.run(
            List.of(
                app.job("lint", "success", "all good\n"),
                app.job(
                    "test",
                    "failure",
                    "x".repeat(20_000) + "\nAssertionError: expected 2 got 3\n")));
    harness.model.script(tools(create("/workspace/fix.txt", "fixed\n")), text("Fixed the test."));

    app.deliver(
        harness.origin(),
        "workflow_run",
        app.workflowRunCompleted(REPO, run, branch, "a".repeat(40), "failure", number));
    awaitThat(() -> userMessages(first.id()).size() == 2);
    awaitThat(
        () ->
            harness.node().queue().get(first.id()).orElseThrow().status().terminal()
                && harness.model.turnsLeft() == 0);
    String fix = userMessages(first.id()).get(1);
    assertThat(fix)
        .contains("### test", "AssertionError: expected 2 got 3")
        .doesNotContain("### lint");
    assertThat(fix.length()).isLessThan(12_000);
    assertThat(app.logDownloads()).isNotEmpty().allMatch("none"::equals);

    app.deliver(
        harness.origin(),
        "workflow_run",
        app.workflowRunCompleted(REPO, run, branch, "b".repeat(40), "failure", number));
    awaitThat(() -> pending() == 0);
    assertThat(userMessages(first.id())).hasSize(2);
    assertThat(harness.github.pullRequests()).hasSize(1);
  }

  @Test
  void anotherAppsFailingCheckSuiteSendsItsChecksOutput() throws Exception {
    serve();
    Task first = issueTaskWithPullRequest();
    harness.call("PUT", "/repos/acme/widgets/github", Map.of("ciFix", true));
    long suite =
        app.checkSuite(List.of(app.job("lint", "failure", "src/a.js:3 no-unused-vars 'x'")));
    harness.model.script(text("Removed it."));

    app.deliver(
        harness.origin(),
        "check_suite",
        app.checkSuiteCompleted(
            REPO, suite, "dockhand/" + first.shortId(), "c".repeat(40), "failure"));
    awaitThat(() -> userMessages(first.id()).size() == 2);
    assertThat(userMessages(first.id()).get(1)).contains("### lint", "no-unused-vars");
  }

  @Test
  void anOrganisationMemberMayAskAndSomeoneOutsideItMayNot() throws Exception {
    env.remove("DOCKHAND_ALLOWED_USERS");
    env.put("DOCKHAND_ALLOWED_ORGS", "acme");
    serve();
    app.installOnOrg("acme");
    app.member("acme", "carol");
    app.role("carol", "write");
    app.role("dave", "maintain");
    harness.model.script(text("Nothing to change."));

    app.deliver(
        harness.origin(),
        "issue_comment",
        app.issueComment(REPO, 8, false, "@dockhand-bot look", new Person("dave", 604)));
    app.deliver(
        harness.origin(),
        "issue_comment",
        app.issueComment(REPO, 8, false, "@dockhand-bot look", new Person("carol", 603)));
    Task task = awaitTask(t -> t.status() == TaskStatus.SUCCEEDED);
    awaitThat(() -> pending() == 0);
    assertThat(allTasks()).hasSize(1);
    assertThat(harness.node().auth().users().find(task.userId()).orElseThrow().login())
        .isEqualTo("carol");
    assertThat(app.tokenRequests())
        .anySatisfy(
            request -> {
              assertThat(request.has("repositories")).isFalse();
              assertThat(request.path("permissions").toString())
                  .isEqualTo("{\"members\":\"read\"}");
            });
  }

  @Test
  void aTaskThatFailsSaysWhyInItsComment() throws Exception {
    serve();
    harness.model.script(ScriptedTurn.status(400));
    app.deliver(
        harness.origin(),
        "issue_comment",
        app.issueComment(REPO, 6, false, "@dockhand-bot try", ALICE));
    Task task = awaitTask(t -> t.status() == TaskStatus.FAILED);
    awaitThat(() -> app.comments().stream().anyMatch(comment -> comment.edits() > 0));
    assertThat(app.comments().getFirst().body())
        .contains("❌ Failed", task.id(), task.error().orElseThrow().message(), "Cost:");
  }

  /** An issue mention that ends with a pull request, the ground the follow-ups stand on. */
  private Task issueTaskWithPullRequest() throws Exception {
    harness.model.script(tools(create("/workspace/CHANGELOG.md", "# Changes\n")), text("Added."));
    app.deliver(
        harness.origin(),
        "issues",
        app.issueOpened(REPO, 9, "Changelog", "@dockhand-bot add one", ALICE));
    Task task = awaitTask(t -> t.status() == TaskStatus.SUCCEEDED);
    awaitThat(() -> harness.github.pullRequests().size() == 1);
    return task;
  }

  private List<Task> allTasks() {
    return harness
        .node()
        .queue()
        .listAcrossUsers(Optional.empty(), Optional.empty(), 100, Optional.empty())
        .items();
  }

  private List<Event> eventsOf(String taskId) {
    return harness.node().eventLog().all(taskId);
  }

  private List<String> userMessages(String taskId) {
    return eventsOf(taskId).stream()
        .filter(event -> event.kind() == EventKind.MESSAGE_USER)
        .map(event -> event.data().path("content").asText())
        .toList();
  }

  private long pending() {
    return harness.node().githubApp().orElseThrow().pendingDeliveries();
  }

  private Task awaitTask(java.util.function.Predicate<Task> done) throws InterruptedException {
    awaitThat(() -> allTasks().stream().anyMatch(done));
    return allTasks().stream().filter(done).findFirst().orElseThrow();
  }

  private static void awaitThat(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within " + WAIT.toSeconds() + " s");
      }
      Thread.sleep(50);
    }
  }

  /** Writes to both streams: the test still shows its log while the log is searched. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream first;
    private final java.io.OutputStream second;

    TeeStream(java.io.OutputStream first, java.io.OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws java.io.IOException {
      first.write(b);
      synchronized (second) {
        second.write(b);
      }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws java.io.IOException {
      first.write(bytes, offset, length);
      synchronized (second) {
        second.write(bytes, offset, length);
      }
    }
  }
}
