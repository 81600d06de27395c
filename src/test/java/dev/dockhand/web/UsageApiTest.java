package dev.dockhand.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/usage}: sums per day, repository, model and user; who sees whose. */
class UsageApiTest {
  private WebHarness harness;
  private final LocalDate today = LocalDate.now(ZoneOffset.UTC);

  @BeforeEach
  void start() throws Exception {
    harness = WebHarness.start();
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  private JsonNode usage(String token, String query) {
    HttpResponse<String> answer = harness.get("/api/v1/usage" + query, token);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return WebHarness.json(answer);
  }

  @Test
  void eachDayOfTheWeekHasARowAndTheTotalsAddUp() {
    WebHarness.Person bob = harness.person("bob");
    UsageFixture tasks = new UsageFixture(harness);
    tasks.add(bob, today, "octo/hello", "claude-sonnet-4-5", "succeeded", 1.50, 1000, 200);
    tasks.add(bob, today, "octo/hello", "claude-sonnet-4-5", "failed", 0.50, 400, 100);
    tasks.add(
        bob, today.minusDays(2), "octo/world", "claude-opus-4-1", "succeeded", 3.00, 900, 300);
    tasks.add(bob, today.minusDays(2), "octo/world", "claude-opus-4-1", "cancelled", 0.25, 10, 5);
    tasks.add(bob, today.minusDays(9), "octo/world", "claude-opus-4-1", "succeeded", 9.00, 1, 1);

    JsonNode week = usage(bob.token(), "");
    assertThat(week.path("from").asText()).isEqualTo(today.minusDays(6).toString());
    assertThat(week.path("to").asText()).isEqualTo(today.toString());
    assertThat(week.path("scope").asText()).isEqualTo("own");
    assertThat(week.path("rows")).hasSize(7);
    JsonNode last = week.path("rows").get(6);
    assertThat(last.path("key").asText()).isEqualTo(today.toString());
    assertThat(last.path("tasks").asLong()).isEqualTo(2);
    assertThat(last.path("successRate").asDouble()).isEqualTo(0.5);
    assertThat(last.path("costUsd").asDouble()).isEqualTo(2.0);
    assertThat(last.path("inputTokens").asLong()).isEqualTo(1400);
    JsonNode twoDaysAgo = week.path("rows").get(4);
    assertThat(twoDaysAgo.path("successRate").asDouble())
        .as("a cancellation is not a failure")
        .isEqualTo(1.0);
    assertThat(week.path("rows").get(0).path("tasks").asLong()).isZero();
    assertThat(week.path("rows").get(0).path("successRate").isNull()).isTrue();
    assertThat(week.path("total").path("tasks").asLong()).isEqualTo(4);
    assertThat(week.path("total").path("costUsd").asDouble()).isEqualTo(5.25);

    JsonNode byRepo = usage(bob.token(), "?groupBy=repo&from=" + today.minusDays(30));
    assertThat(byRepo.path("rows").get(0).path("label").asText()).isEqualTo("octo/world");
    assertThat(byRepo.path("rows").get(0).path("costUsd").asDouble()).isEqualTo(12.25);
    assertThat(byRepo.path("rows").get(1).path("label").asText()).isEqualTo("octo/hello");
    JsonNode byModel = usage(bob.token(), "?groupBy=model");
    assertThat(byModel.path("rows").get(0).path("key").asText()).isEqualTo("claude-opus-4-1");
    assertThat(byModel.path("rows").get(0).path("outputTokens").asLong()).isEqualTo(305);
  }

  @Test
  void adminsSeeEveryUserAndOthersOnlyTheirOwn() {
    WebHarness.Person bob = harness.person("bob");
    WebHarness.Person alice = harness.person("alice");
    UsageFixture tasks = new UsageFixture(harness);
    tasks.add(bob, today, "octo/hello", "claude-sonnet-4-5", "succeeded", 1.00, 1, 1);
    tasks.add(alice, today, "octo/hello", "claude-sonnet-4-5", "succeeded", 2.00, 1, 1);

    JsonNode everyone = usage(harness.adminToken(), "?groupBy=user");
    assertThat(everyone.path("scope").asText()).isEqualTo("everyone");
    assertThat(everyone.path("rows"))
        .extracting(row -> row.path("label").asText())
        .containsExactly("alice", "bob");
    JsonNode own = usage(alice.token(), "?groupBy=user");
    assertThat(own.path("rows"))
        .extracting(row -> row.path("label").asText())
        .containsExactly("alice");
  }

  @Test
  void badParametersAreRefusedNamingTheField() {
    WebHarness.Person bob = harness.person("bob");
    for (String[] bad :
        new String[][] {
          {"?from=yesterday", "from"},
          {"?to=2026-13-01", "to"},
          {"?from=2026-12-05&to=2026-12-01", "from"},
          {"?from=2020-01-01&to=2026-01-01", "from"},
          {"?groupBy=week", "groupBy"},
          {"?to=2026-1-1", "to"}
        }) {
      HttpResponse<String> refused = harness.get("/api/v1/usage" + bad[0], bob.token());
      assertThat(refused.statusCode()).as(bad[0]).isEqualTo(400);
      assertThat(WebHarness.json(refused).path("error").path("field").asText())
          .as(bad[0])
          .isEqualTo(bad[1]);
    }
    assertThat(harness.get("/api/v1/usage", null).statusCode()).isEqualTo(401);
  }
}
