package dev.dockhand.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.DockhandException;
import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import dev.dockhand.queue.ManualClock;
import dev.dockhand.testkit.GitHubAppStandIn;
import dev.dockhand.testkit.GitHubStandIn;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallationTokensTest {
  @TempDir Path dir;
  private GitHubStandIn github;
  private GitHubAppStandIn app;
  private final ManualClock now = new ManualClock(Instant.now());
  private InstallationTokens tokens;

  @BeforeEach
  void start() {
    github = GitHubStandIn.start();
    app = github.installApp("dockhand-bot");
    AppSettings settings = AppSettings.from(new Env(app.environment(dir))).orElseThrow();
    // The JWT keeps real time (the stand-in checks it); the caches follow the test's clock.
    tokens =
        new InstallationTokens(
            GitHubClient.create(github.apiUrl(), Duration.ofSeconds(5)),
            new AppJwt(settings.appId(), settings.privateKey(), Clock.systemUTC()),
            now);
  }

  @AfterEach
  void stop() {
    github.close();
  }

  @Test
  void aRepositoryWithoutTheAppHasNoInstallationToken() {
    assertThat(tokens.forRepository("acme", "widgets")).isEmpty();
  }

  @Test
  void aTokenIsScopedToTheRepositoryAndKeptUntilShortlyBeforeItExpires() {
    app.install("acme/widgets");
    Secret first = tokens.forRepository("acme", "widgets").orElseThrow();
    assertThat(tokens.forRepository("acme", "widgets")).contains(first);
    assertThat(app.tokenRequests())
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request.path("repositories").toString()).isEqualTo("[\"widgets\"]");
              assertThat(request.path("permissions").toString())
                  .isEqualTo(
                      "{\"contents\":\"write\",\"pull_requests\":\"write\",\"issues\":\"write\",\"checks\":\"write\"}");
            });

    now.advance(Duration.ofMinutes(54));
    assertThat(tokens.forRepository("acme", "widgets")).contains(first);
    now.advance(Duration.ofMinutes(2));
    Secret second = tokens.forRepository("acme", "widgets").orElseThrow();
    assertThat(second).isNotEqualTo(first);
    assertThat(app.tokenRequests()).hasSize(2);
    assertThat(app.refusals()).isEmpty();
  }

  @Test
  void otherPermissionsGetATokenOfTheirOwn() {
    long installation = app.install("acme/widgets");
    Secret work = tokens.token(installation, Optional.of("widgets"), InstallationTokens.WORK);
    Secret ci = tokens.token(installation, Optional.of("widgets"), InstallationTokens.READ_CI);
    assertThat(ci).isNotEqualTo(work);
    assertThat(app.tokenRequests().get(1).path("permissions").path("actions").asText())
        .isEqualTo("read");
  }

  @Test
  void aRefusedTokenRequestSaysWhatGitHubAnsweredAndNeverTheJwt() {
    app.install("acme/widgets");
    assertThatThrownBy(() -> tokens.token(999_999, Optional.of("widgets"), InstallationTokens.WORK))
        .isInstanceOf(DockhandException.class)
        .hasMessageContaining("installation 999999")
        .hasMessageContaining("404")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("eyJ"));
  }
}
