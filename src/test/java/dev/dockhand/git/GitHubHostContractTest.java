package dev.dockhand.git;

import dev.dockhand.testkit.GitHubStandIn;
import java.net.http.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

class GitHubHostContractTest extends GitHostContract {
  private GitHubStandIn gitHub;

  @BeforeEach
  void startGitHub() {
    gitHub = GitHubStandIn.start(TOKEN);
  }

  @AfterEach
  void stopGitHub() {
    gitHub.close();
  }

  @Override
  GitHost host() {
    return new GitHubHost(gitHub.apiUrl(), HttpClient.newHttpClient());
  }

  @Override
  boolean opensPullRequests() {
    return true;
  }
}
