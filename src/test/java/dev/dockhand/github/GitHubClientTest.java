package dev.dockhand.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.config.Secret;
import dev.dockhand.github.GitHubResponse.Outcome;
import dev.dockhand.testkit.GitHubOAuthStandIn;
import dev.dockhand.testkit.GitHubStandIn;
import dev.dockhand.testkit.GitHubStandIn.Call;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GitHubClientTest {
  private static final String TOKEN = "gho_client_test_7f3a";
  private static final Secret SECRET = new Secret(TOKEN);
  private static final String REPOS = "user/repos?per_page=100";

  private GitHubStandIn gitHub;
  private GitHubClient client;

  @BeforeEach
  void start() {
    gitHub = GitHubStandIn.start(TOKEN);
    client = GitHubClient.create(gitHub.apiUrl(), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    gitHub.close();
  }

  @Test
  void everyRequestCarriesTheTokenGitHubsMediaTypeAndTheApiVersion() {
    client.get(REPOS, SECRET);
    client.post("repos/acme/widgets/pulls", Map.of("title", "T"), SECRET);

    assertThat(gitHub.calls())
        .hasSize(2)
        .allSatisfy(
            call -> {
              assertThat(call.authorization()).contains("Bearer " + TOKEN);
              assertThat(call.accept()).contains("application/vnd.github+json");
              assertThat(call.apiVersion()).contains("2022-11-28");
            });
    assertThat(gitHub.calls().get(1).body()).isEqualTo("{\"title\":\"T\"}");
  }

  @Test
  void pathsGoUnderAGitHubEnterpriseBase() {
    GitHubClient enterprise = GitHubClient.create(gitHub.enterpriseApiUrl(), Duration.ofSeconds(5));

    assertThat(enterprise.get(REPOS, SECRET).outcome()).isEqualTo(Outcome.OK);
    assertThat(gitHub.calls()).extracting(Call::path).containsExactly("/api/v3/user/repos");
  }

  @Test
  void pagesAreFollowedByTheirNextLinkUntilTheLastOrTheLimitAsked() {
    addRepos(250);

    List<GitHubResponse> all = client.getPages(REPOS, SECRET, 5);
    assertThat(all).hasSize(3).allMatch(GitHubResponse::ok);
    assertThat(all)
        .extracting(page -> page.json().orElseThrow().size())
        .containsExactly(100, 100, 50);
    assertThat(client.getPages(REPOS, SECRET, 2)).hasSize(2);
    assertThat(gitHub.calls()).extracting(Call::query).endsWith("per_page=100&page=2");
    assertThat(gitHub.calls()).hasSize(5);
  }

  @Test
  void noMoreThanTenPagesAreFollowedWhateverTheCallerAsks() {
    addRepos(1_500);

    assertThat(client.getPages("user/repos?per_page=100", SECRET, 1_000)).hasSize(10);
    assertThat(gitHub.calls()).hasSize(GitHubClient.MAX_PAGES);
  }

  @Test
  void aPageThatFailsEndsThePagingAndIsTheLastAnswer() {
    addRepos(250);
    gitHub.answer(
        "/user/repos?per_page=100&page=2", 502, Map.of(), "{\"message\":\"Bad Gateway\"}");

    List<GitHubResponse> pages = client.getPages(REPOS, SECRET, 5);

    assertThat(pages)
        .extracting(GitHubResponse::outcome)
        .containsExactly(Outcome.OK, Outcome.UNAVAILABLE);
    assertThat(gitHub.calls()).hasSize(2);
  }

  @Test
  void aNextLinkToAnotherOriginIsNotFollowedSoTheTokenGoesNowhereElse() {
    URI elsewhere =
        URI.create("http://localhost:" + gitHub.apiUrl().getPort() + "/user/repos?page=2");
    gitHub.answer("/user/repos", 200, Map.of("Link", "<" + elsewhere + ">; rel=\"next\""), "[]");

    assertThat(client.getPages(REPOS, SECRET, 5)).hasSize(1);
    assertThat(gitHub.calls()).hasSize(1);
  }

  @Test
  void aRedirectIsAnsweredAsItIsAndNeverFollowed() {
    gitHub.answer("/user", 302, Map.of("Location", gitHub.apiUrl() + "/user/repos"), "");

    GitHubResponse answer = client.get("user", SECRET);

    assertThat(answer.status()).isEqualTo(302);
    assertThat(answer.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(gitHub.calls()).extracting(Call::path).containsExactly("/user");
  }

  @Test
  void aClientThatWouldFollowRedirectsIsRefused() {
    HttpClient following =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    assertThatThrownBy(() -> new GitHubClient(gitHub.apiUrl(), following, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRefusedTokenIsUnauthorized() {
    GitHubResponse answer = client.get(REPOS, new Secret("gho_revoked_1"));

    assertThat(answer.outcome()).isEqualTo(Outcome.UNAUTHORIZED);
    assertThat(answer.json().orElseThrow().path("message").asText()).isEqualTo("Bad credentials");
  }

  @ParameterizedTest(name = "{0} with {1}: {2}")
  @CsvSource({
    "403, , FORBIDDEN",
    "403, X-RateLimit-Remaining=0, RATE_LIMITED",
    "403, X-RateLimit-Remaining=12, FORBIDDEN",
    "403, Retry-After=60, RATE_LIMITED",
    "429, Retry-After=60, RATE_LIMITED",
    "404, , NOT_FOUND",
    "422, , REJECTED",
    "500, , UNAVAILABLE",
    "502, , UNAVAILABLE",
    "503, Retry-After=5, UNAVAILABLE",
    "201, , OK",
  })
  void eachAnswerIsSortedIntoOneOutcome(int status, String header, Outcome expected) {
    Map<String, String> headers =
        header == null ? Map.of() : Map.of(header.split("=")[0], header.split("=")[1]);
    gitHub.answer("/user", status, headers, "{\"message\":\"as GitHub says\"}");

    GitHubResponse answer = client.get("user", SECRET);

    assertThat(answer.status()).isEqualTo(status);
    assertThat(answer.outcome()).isEqualTo(expected);
    assertThat(answer.json().orElseThrow().path("message").asText()).isEqualTo("as GitHub says");
  }

  @Test
  void aBodyThatIsNotJsonHasNoJson() {
    gitHub.answer("/user", 200, Map.of(), "<html>a captive portal</html>");

    GitHubResponse answer = client.get("user", SECRET);

    assertThat(answer.outcome()).isEqualTo(Outcome.OK);
    assertThat(answer.json()).isEmpty();
  }

  @Test
  void aBodyUpToTheCapIsReadAndOneByteMoreIsNot() {
    String fits = "\"" + "a".repeat(GitHubClient.MAX_BODY_BYTES - 2) + "\"";
    gitHub.answer("/user", 200, Map.of(), fits);
    assertThat(client.get("user", SECRET).json().orElseThrow().asText())
        .hasSize(GitHubClient.MAX_BODY_BYTES - 2);

    gitHub.answer(
        "/user", 200, Map.of(), "\"" + "a".repeat(GitHubClient.MAX_BODY_BYTES - 1) + "\"");
    assertThatThrownBy(() -> client.get("user", SECRET))
        .isInstanceOf(GitHubUnavailableException.class)
        .hasMessageContaining("larger than 4096 KiB");
  }

  @Test
  void anUnreachableGitHubIsUnavailableAndWorthRetryingWithoutTheTokenInTheMessage() {
    gitHub.close();

    assertThatThrownBy(() -> client.get("user", SECRET))
        .isInstanceOfSatisfying(
            GitHubUnavailableException.class,
            e -> {
              assertThat(e.retryable()).isTrue();
              assertThat(e.code()).isEqualTo("github_unavailable");
            })
        .hasMessageStartingWith("the GitHub API did not answer")
        .hasMessageNotContaining(TOKEN);
    gitHub = GitHubStandIn.start(TOKEN);
  }

  @Test
  void anAnswerSlowerThanTheTimeLimitIsGivenUp() throws Exception {
    try (GitHubOAuthStandIn oauth = new GitHubOAuthStandIn("client", "secret")) {
      String token =
          oauth.issueToken(new GitHubOAuthStandIn.Account(1, "octocat", "O"), "read:org");
      oauth.holdMembershipAnswers();
      GitHubClient impatient = GitHubClient.create(oauth.url(), Duration.ofMillis(300));

      assertThatThrownBy(() -> impatient.get("user/memberships/orgs/acme", new Secret(token)))
          .isInstanceOf(GitHubUnavailableException.class)
          .hasMessage("the GitHub API did not answer within 300 ms");
      oauth.releaseMembershipAnswers();
      assertThat(impatient.get("user/memberships/orgs/acme", new Secret(token)).outcome())
          .isEqualTo(Outcome.NOT_FOUND);
    }
  }

  private void addRepos(int count) {
    for (int i = 1; i <= count; i++) {
      gitHub.addUserRepo(
          "acme/repo-" + i, "https://github.com/acme/repo-" + i + ".git", "main", false);
    }
  }
}
