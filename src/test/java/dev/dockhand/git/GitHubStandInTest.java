package dev.dockhand.git;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.Json;
import dev.dockhand.testkit.GitHubStandIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stand-in others build on answers {@code /user/repos} as GitHub does. */
class GitHubStandInTest {
  private static final String TOKEN = "gho_repos_token";
  private final HttpClient http = HttpClient.newHttpClient();
  private GitHubStandIn gitHub;

  @BeforeEach
  void start() {
    gitHub = GitHubStandIn.start(TOKEN);
    for (int i = 1; i <= 3; i++) {
      gitHub.addUserRepo(
          "acme/repo-" + i, "https://git.example/acme/repo-" + i + ".git", "main", i == 2);
    }
  }

  @AfterEach
  void stop() {
    gitHub.close();
  }

  @Test
  void listsTheUsersRepositoriesPageByPageWithALinkToTheNext() throws Exception {
    HttpResponse<String> first = get("/user/repos?per_page=2", TOKEN);
    HttpResponse<String> last = get("/user/repos?per_page=2&page=2", TOKEN);

    JsonNode repos = Json.MAPPER.readTree(first.body());
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(repos).hasSize(2);
    assertThat(repos.get(1).path("full_name").asText()).isEqualTo("acme/repo-2");
    assertThat(repos.get(1).path("private").asBoolean()).isTrue();
    assertThat(repos.get(1).path("default_branch").asText()).isEqualTo("main");
    assertThat(first.headers().firstValue("Link"))
        .hasValueSatisfying(link -> assertThat(link).contains("page=2>; rel=\"next\""));
    assertThat(Json.MAPPER.readTree(last.body())).hasSize(1);
    assertThat(last.headers().firstValue("Link")).isEmpty();
  }

  @Test
  void anUnknownTokenGetsBadCredentials() throws Exception {
    HttpResponse<String> response = get("/user/repos", "gho_unknown");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(Json.MAPPER.readTree(response.body()).path("message").asText())
        .isEqualTo("Bad credentials");
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(gitHub.apiUrl() + path))
            .header("Authorization", "Bearer " + token)
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
