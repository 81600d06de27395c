package dev.dockhand.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.testkit.GitHubStandIn;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** In local mode the repository picker lists what DOCKHAND_GIT_TOKEN can push to on GitHub. */
class LocalModeReposTest {
  private static final String TOKEN = "ghp_local_token";
  private GitHubStandIn github;

  @BeforeEach
  void startGitHub() {
    github = GitHubStandIn.start(TOKEN);
    github.addUserRepo("acme/widgets", "https://github.com/acme/widgets.git", "main", true);
  }

  @AfterEach
  void stopGitHub() {
    github.close();
  }

  @Test
  void theLocalGitTokenListsTheRepositoriesItCanPushTo() throws Exception {
    try (WebHarness harness = local(Map.of("DOCKHAND_GIT_TOKEN", TOKEN))) {
      HttpResponse<String> response = harness.get("/api/v1/repos", harness.adminToken());
      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode first = WebHarness.json(response).get("items").get(0);
      assertThat(first.get("fullName").asText()).isEqualTo("acme/widgets");
      assertThat(response.body()).doesNotContain(TOKEN);
    }
  }

  @Test
  void aLongListIsFollowedAcrossGitHubsPagesUpToThreeHundred() throws Exception {
    for (int i = 1; i < 320; i++) {
      String name = "acme/repo-" + i;
      github.addUserRepo(name, "https://github.com/" + name + ".git", "main", false);
    }
    try (WebHarness harness = local(Map.of("DOCKHAND_GIT_TOKEN", TOKEN))) {
      JsonNode items =
          WebHarness.json(harness.get("/api/v1/repos", harness.adminToken())).get("items");
      assertThat(items).hasSize(300);
      assertThat(items.get(0).get("fullName").asText()).isEqualTo("acme/widgets");
      assertThat(items.get(299).get("fullName").asText()).isEqualTo("acme/repo-299");
    }
    assertThat(github.calls()).hasSize(3);
  }

  @Test
  void aRefusedLocalGitTokenIsNamedAndNotShown() throws Exception {
    try (WebHarness harness = local(Map.of("DOCKHAND_GIT_TOKEN", "ghp_revoked"))) {
      HttpResponse<String> response = harness.get("/api/v1/repos", harness.adminToken());
      assertThat(response.statusCode()).isEqualTo(403);
      JsonNode error = WebHarness.json(response).get("error");
      assertThat(error.get("code").asText()).isEqualTo("github_token_rejected");
      assertThat(error.get("message").asText()).contains("DOCKHAND_GIT_TOKEN");
      assertThat(response.body()).doesNotContain("ghp_revoked");
    }
  }

  @Test
  void withoutATokenOrWhenGitHubIsNotAnAllowedHostNothingIsListedAndGitHubIsNotAsked()
      throws Exception {
    try (WebHarness none = local(Map.of());
        WebHarness elsewhere =
            local(Map.of("DOCKHAND_GIT_TOKEN", TOKEN, "DOCKHAND_GIT_HOSTS", "git.example.com"))) {
      for (WebHarness harness : new WebHarness[] {none, elsewhere}) {
        HttpResponse<String> response = harness.get("/api/v1/repos", harness.adminToken());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(WebHarness.json(response).get("items")).isEmpty();
      }
    }
    assertThat(github.calls()).isEmpty();
  }

  private WebHarness local(Map<String, String> extra) throws Exception {
    Map<String, String> env = new java.util.HashMap<>(extra);
    env.put("GITHUB_API_URL", github.apiUrl().toString());
    return WebHarness.start(env, WebLimits.DEFAULTS);
  }
}
