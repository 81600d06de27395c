package dev.dockhand.run;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.create;
import static dev.dockhand.testkit.ScriptedTurn.reply;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static dev.dockhand.testkit.ScriptedTurn.tools;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.testkit.AnthropicStandIn;
import dev.dockhand.testkit.LiveClient;
import dev.dockhand.testkit.ServerHarness;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A person's daily spend limit through the real parts: each turn's cost lands in the ledger as it
 * is paid, a task that takes its owner to the limit stops like a task over its own budget (its work
 * pushed to its branch, no pull request), and their next submit is refused until midnight.
 */
@Tag("docker")
class UserSpendJourneyTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private ServerHarness harness;

  @BeforeEach
  void start() {
    harness = new ServerHarness();
    harness.git.createRepo("acme/widgets", Map.of("README.md", "# Widgets\n"));
    Map<String, String> env = harness.environment("a");
    env.put("DOCKHAND_USER_DAILY_BUDGET_USD", "0.50");
    // One task of a person at a time, so a second one waits in the queue.
    env.put("DOCKHAND_MAX_TASKS_PER_USER", "1");
    harness.start(env);
    // $0.315 a turn on Sonnet: the second turn takes the owner past $0.50.
    harness.model.usageModel(
        (request, replyBytes, at) -> new AnthropicStandIn.TokenCounts(100_000, 1_000, 0, 0));
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void aTaskThatTakesItsOwnerToTheDailyLimitStopsWithItsWorkPushedAndTheNextSubmitIsRefused()
      throws Exception {
    harness.model.script(
        tools(create("/workspace/half.txt", "half done\n")),
        reply("Still going.", bash("ls")),
        text("This turn is never asked for."));
    try (LiveClient client = harness.live()) {
      String id = harness.submit("acme/widgets", "Do a lot").path("id").asText();
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.failed", WAIT);

      String branch = "dockhand/" + id.substring(0, 8);
      JsonNode task = harness.task(id);
      assertThat(task.path("status").asText()).isEqualTo("failed");
      assertThat(task.path("error").path("code").asText()).isEqualTo("user_budget_exceeded");
      assertThat(task.path("error").path("message").asText())
          .contains(
              "daily spend limit of $0.50 (DOCKHAND_USER_DAILY_BUDGET_USD)",
              "$0.63 spent today",
              "the work so far is on branch " + branch);
      assertThat(task.path("headBranch").asText()).isEqualTo(branch);
      assertThat(harness.git.files("acme/widgets", branch))
          .containsEntry("half.txt", "half done\n");
      assertThat(harness.github.pullRequests()).isEmpty();
      assertThat(client.events(id))
          .extracting(event -> event.path("kind").asText())
          .containsSubsequence("git.pushed", "task.failed")
          .doesNotContain("pr.opened", "task.retrying");
      assertThat(harness.model.answered()).hasSize(2);
      // Not retried: the task ran once.
      assertThat(task.path("attempt").asInt()).isEqualTo(1);

      long owner = harness.node().auth().users().local().id();
      assertThat(harness.node().queue().spend().spent(owner).todayUsd())
          .isCloseTo(0.63, within(1e-9));
      ServerHarness.Response refused =
          harness.call("POST", "/tasks", Map.of("repo", "acme/widgets", "prompt", "More"));
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.json().path("error").path("code").asText())
          .isEqualTo("user_budget_exceeded");
      assertThat(refused.json().path("error").path("message").asText())
          .contains("$0.63 spent today", "it resets at ", "T00:00:00Z");
    }
  }

  @Test
  void aTaskQueuedBeforeItsOwnerReachedTheLimitEndsWhenClaimedWithoutAskingTheModel()
      throws Exception {
    harness.model.script(
        tools(create("/workspace/half.txt", "half done\n")),
        reply("Still going.", bash("ls")),
        text("This turn is never asked for."));
    try (LiveClient client = harness.live()) {
      String first = harness.submit("acme/widgets", "Do a lot").path("id").asText();
      String waiting = harness.submit("acme/widgets", "Then this").path("id").asText();
      client.subscribe(first, 0);
      client.subscribe(waiting, 0);
      client.awaitEvent(first, "task.failed", WAIT);
      client.awaitEvent(waiting, "task.failed", WAIT);

      JsonNode task = harness.task(waiting);
      assertThat(task.path("error").path("code").asText()).isEqualTo("user_budget_exceeded");
      assertThat(task.path("error").path("message").asText())
          .startsWith("the task's owner reached their daily spend limit of $0.50");
      assertThat(task.has("headBranch")).isFalse();
      assertThat(client.events(waiting))
          .extracting(event -> event.path("kind").asText())
          .containsExactly("task.queued", "task.started", "task.failed");
      assertThat(harness.model.answered()).hasSize(2);
    }
  }
}
