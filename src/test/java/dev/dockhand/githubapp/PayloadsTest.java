package dev.dockhand.githubapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.Json;
import dev.dockhand.testkit.GitHubAppStandIn;
import dev.dockhand.testkit.GitHubAppStandIn.Person;
import dev.dockhand.testkit.GitHubStandIn;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stand-in's payloads follow GitHub's documented shapes; these read them. */
class PayloadsTest {
  private GitHubStandIn github;
  private GitHubAppStandIn app;
  private long installation;

  @BeforeEach
  void start() {
    github = GitHubStandIn.start();
    app = github.installApp("dockhand-bot");
    installation = app.install("Acme/widgets");
  }

  @AfterEach
  void stop() {
    github.close();
  }

  @Test
  void anOpenedIssueIsReadWithItsAuthorAndTexts() {
    Request read =
        Payloads.read(
                "issues",
                json(app.issueOpened("Acme/widgets", 7, "T", "B", new Person("alice", 5))))
            .orElseThrow();
    assertThat(read)
        .isEqualTo(
            new Request.IssueOpened(
                new Request.Repo("Acme", "widgets", installation),
                70_007,
                7,
                new Request.Author(5, "alice", false),
                "T",
                "B"));
    assertThat(((Request.IssueOpened) read).repo().key()).isEqualTo("acme/widgets");
  }

  @Test
  void aCommentKnowsWhetherItIsOnAPullRequestAndWhetherABotWroteIt() {
    Request.Comment onPull =
        (Request.Comment)
            Payloads.read(
                    "issue_comment",
                    json(
                        app.issueComment(
                            "Acme/widgets", 3, true, "hi", new Person("dockhand-bot[bot]", 9))))
                .orElseThrow();
    assertThat(onPull.onPullRequest()).isTrue();
    assertThat(onPull.author().bot()).isTrue();
  }

  @Test
  void aReviewAndItsCommentsNameTheSameReview() {
    GitHubAppStandIn.ReviewComment inline = app.inline("a.txt", 2, "@@", "fix");
    long review = app.review("Acme/widgets", 4, new Person("alice", 5), "", List.of(inline));
    Request fromReview =
        Payloads.read("pull_request_review", json(app.reviewSubmitted("Acme/widgets", review)))
            .orElseThrow();
    Request fromComment =
        Payloads.read(
                "pull_request_review_comment",
                json(app.reviewCommentCreated("Acme/widgets", review, inline)))
            .orElseThrow();
    assertThat(fromReview).isEqualTo(fromComment).isInstanceOf(Request.Review.class);
  }

  @Test
  void onlyAFailedRunOnAUsableBranchIsACiFailure() {
    String sha = "0123456789abcdef0123456789abcdef01234567";
    assertThat(
            Payloads.read(
                "workflow_run",
                json(
                    app.workflowRunCompleted(
                        "Acme/widgets", 11, "dockhand/abc", sha, "failure", 1))))
        .hasValue(
            new Request.CiFailed(
                new Request.Repo("Acme", "widgets", installation),
                "dockhand/abc",
                sha,
                new Request.CiSource.WorkflowRun(11)));
    assertThat(
            Payloads.read(
                "workflow_run",
                json(
                    app.workflowRunCompleted(
                        "Acme/widgets", 11, "dockhand/abc", sha, "success", 1))))
        .isEmpty();
    assertThat(
            Payloads.read(
                "workflow_run",
                json(app.workflowRunCompleted("Acme/widgets", 11, "bad..name", sha, "failure", 1))))
        .isEmpty();
  }

  @Test
  void whatDoesNotFitIsDroppedNotGuessedAt() {
    Map<String, Object> payload =
        app.issueOpened("Acme/widgets", 7, "T", "B", new Person("alice", 5));
    payload.put("action", "edited");
    assertThat(Payloads.read("issues", json(payload))).isEmpty();
    Map<String, Object> noInstallation =
        app.issueOpened("Acme/widgets", 7, "T", "B", new Person("alice", 5));
    noInstallation.remove("installation");
    assertThat(Payloads.read("issues", json(noInstallation))).isEmpty();
    Map<String, Object> badOwner =
        app.issueOpened("Acme/widgets", 7, "T", "B", new Person("alice", 5));
    badOwner.put("repository", Map.of("name", "widgets", "owner", Map.of("login", "../etc")));
    assertThat(Payloads.read("issues", json(badOwner))).isEmpty();
    assertThat(Payloads.text(Json.MAPPER.getNodeFactory().textNode("x".repeat(70_000))))
        .hasSize(Payloads.MAX_TEXT);
  }

  private static JsonNode json(Object payload) {
    return Json.MAPPER.valueToTree(payload);
  }
}
