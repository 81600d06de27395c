package dev.dockhand.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import dev.dockhand.testkit.GitHubStandIn;
import dev.dockhand.testkit.GitHubStandIn.Call;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GitHubHostTest {
  private static final String TOKEN = "gho_user_token_4d2e";
  private static final RepoUrl REPO =
      RepoUrl.parse("acme/widgets", GitSettings.from(new Env(Map.of())));

  private GitHubStandIn gitHub;
  private GitHubHost host;

  @BeforeEach
  void start() {
    gitHub = GitHubStandIn.start(TOKEN);
    host = new GitHubHost(gitHub.apiUrl(), HttpClient.newHttpClient());
  }

  @AfterEach
  void stop() {
    gitHub.close();
  }

  @Test
  void thePullRequestHasTheRightHeadBaseTitleAndTheUsersToken() {
    Optional<String> url =
        host.openPullRequest(
            REPO, "dockhand/1a2b3c4d", "develop", "Fix the login form", "Done.", new Secret(TOKEN));

    assertThat(gitHub.pullRequests())
        .singleElement()
        .satisfies(
            pull -> {
              assertThat(pull.owner()).isEqualTo("acme");
              assertThat(pull.repo()).isEqualTo("widgets");
              assertThat(pull.head()).isEqualTo("dockhand/1a2b3c4d");
              assertThat(pull.base()).isEqualTo("develop");
              assertThat(pull.title()).isEqualTo("Fix the login form");
              assertThat(pull.body()).isEqualTo("Done.");
              assertThat(pull.authorization()).isEqualTo("Bearer " + TOKEN);
              assertThat(url).contains(pull.htmlUrl());
            });
    assertThat(gitHub.calls()).extracting(Call::method).containsExactly("GET", "POST");
    Call lookup = gitHub.calls().get(0);
    assertThat(lookup.path()).isEqualTo("/repos/acme/widgets/pulls");
    assertThat(lookup.query()).contains("head=acme%3Adockhand%2F1a2b3c4d", "state=open");
    assertThat(gitHub.calls())
        .allSatisfy(
            call -> {
              assertThat(call.authorization()).contains("Bearer " + TOKEN);
              assertThat(call.accept()).contains("application/vnd.github+json");
              assertThat(call.apiVersion()).contains("2022-11-28");
            });
  }

  @Test
  void anOpenPullRequestForTheBranchIsFoundInsteadOfOpenedAgain() {
    String first =
        host.openPullRequest(REPO, "dockhand/feed0001", "main", "One", "", new Secret(TOKEN))
            .orElseThrow();
    String again =
        host.openPullRequest(REPO, "dockhand/feed0001", "main", "One", "", new Secret(TOKEN))
            .orElseThrow();

    assertThat(again).isEqualTo(first);
    assertThat(gitHub.pullRequests()).hasSize(1);
    assertThat(gitHub.calls()).extracting(Call::method).containsExactly("GET", "POST", "GET");
  }

  @Test
  void aRefusedTokenIsAnAuthErrorThatNeverRepeatsIt() {
    assertThatThrownBy(
            () ->
                host.openPullRequest(
                    REPO, "dockhand/x", "main", "T", "", new Secret("gho_revoked_99")))
        .isInstanceOfSatisfying(
            GitException.class,
            e -> {
              assertThat(e.code()).isEqualTo("git_auth");
              assertThat(e.retryable()).isFalse();
            })
        .hasMessage("the git server refused the token for github.com")
        .hasMessageNotContaining("gho_revoked_99");
  }

  @Test
  void aGitHubOutageIsWorthRetrying() {
    gitHub.failPullRequestCreation(502, 1);

    assertThatThrownBy(
            () -> host.openPullRequest(REPO, "dockhand/x", "main", "T", "", new Secret(TOKEN)))
        .isInstanceOfSatisfying(
            GitException.class,
            e -> {
              assertThat(e.code()).isEqualTo("git_network");
              assertThat(e.retryable()).isTrue();
            });
    assertThat(host.openPullRequest(REPO, "dockhand/x", "main", "T", "", new Secret(TOKEN)))
        .isPresent();
  }

  @Test
  void aPullRequestGitHubRefusesExplainsWhy() {
    assertThatThrownBy(
            () -> host.openPullRequest(REPO, "dockhand/x", "main", "", "", new Secret(TOKEN)))
        .isInstanceOfSatisfying(
            GitException.class, e -> assertThat(e.code()).isEqualTo("pr_failed"))
        .hasMessageContaining("Validation Failed")
        .hasMessageContaining("head, base and title are required");
  }

  @Test
  void worksAgainstAGitHubEnterpriseApiPath() {
    GitHubHost enterprise = new GitHubHost(gitHub.enterpriseApiUrl(), HttpClient.newHttpClient());

    assertThat(enterprise.openPullRequest(REPO, "dockhand/e1", "main", "T", "", new Secret(TOKEN)))
        .isPresent();
    assertThat(gitHub.calls())
        .extracting(Call::path)
        .containsOnly("/api/v3/repos/acme/widgets/pulls");
  }
}
