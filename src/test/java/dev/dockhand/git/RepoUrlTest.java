package dev.dockhand.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.InvalidInputException;
import dev.dockhand.config.Env;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RepoUrlTest {
  private static final GitSettings SETTINGS =
      settings(Map.of("DOCKHAND_GIT_HOSTS", "github.com, git.example.org:8443"));

  static Stream<Arguments> hostileInputs() {
    return Stream.of(
        Arguments.of("https://evil.example/acme/widgets", "not allowed"),
        Arguments.of("https://github.com.evil.example/acme/widgets", "not allowed"),
        Arguments.of("https://git.example.org/acme/widgets", "not allowed"),
        Arguments.of("https://github.com:8443/acme/widgets", "not allowed"),
        Arguments.of("file:///etc/passwd", "only https://"),
        Arguments.of("file://github.com/acme/widgets", "only https://"),
        Arguments.of("ssh://git@github.com/acme/widgets.git", "only https://"),
        Arguments.of("git://github.com/acme/widgets.git", "only https://"),
        Arguments.of("ext::sh -c touch% /tmp/pwned", "spaces"),
        Arguments.of("git@github.com:acme/widgets.git", "SSH"),
        Arguments.of("http://github.com/acme/widgets", "plain http"),
        Arguments.of("https://user:pass@github.com/acme/widgets", "user name or password"),
        Arguments.of("https://ghp_secret@github.com/acme/widgets", "user name or password"),
        Arguments.of("https://github.com/acme/../other/widgets", "'..'"),
        Arguments.of("https://github.com/acme/widgets/..", "'..'"),
        Arguments.of("../acme/widgets", "local paths"),
        Arguments.of("acme/..", "'..'"),
        Arguments.of("https://github.com/acme/%2e%2e", "percent"),
        Arguments.of("https://github.com/acme/wid gets", "spaces"),
        Arguments.of("https://github.com/acme/widgets\n", "control"),
        Arguments.of("https://github.com/acme/widgets\r\nHost: evil", "control"),
        Arguments.of("acme/wid\tgets", "control"),
        Arguments.of("https://github.com/acme/widgets\u0000", "control"),
        Arguments.of("acme/widgets\u2028x", "spaces"),
        Arguments.of("https://github.com/acme/" + "w".repeat(2000), "too long"),
        Arguments.of("/srv/git/widgets", "local paths"),
        Arguments.of("./widgets", "local paths"),
        Arguments.of("~/widgets", "local paths"),
        Arguments.of("C:\\repos\\widgets", "local paths"),
        Arguments.of("https://github.com/acme/widgets?ref=main", "query"),
        Arguments.of("https://github.com/acme/widgets#readme", "query"),
        Arguments.of("https://github.com/acme/widgets/tree/main", "owner/name"),
        Arguments.of("https://github.com/widgets", "owner/name"),
        Arguments.of("https://github.com/-acme/widgets", "owner"),
        Arguments.of("https://github.com/acme/wid;gets", "repository name"),
        Arguments.of("https://[::1]/acme/widgets", "host"),
        Arguments.of("https://github.com:99999/acme/widgets", "host"),
        Arguments.of("widgets", "must be"),
        Arguments.of("", "required"),
        Arguments.of("   ", "required"));
  }

  @ParameterizedTest
  @MethodSource("hostileInputs")
  void refusesHostileReferencesBeforeAnyNetworkCall(String input, String reason) {
    assertThatThrownBy(() -> RepoUrl.parse(input, SETTINGS))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("repo"))
        .hasMessageContaining(reason);
  }

  @Test
  void refusesNothingAtAll() {
    assertThatThrownBy(() -> RepoUrl.parse(null, SETTINGS))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("required");
  }

  @Test
  void errorMessagesNeverRepeatCredentials() {
    assertThatThrownBy(() -> RepoUrl.parse("https://x:ghp_secret@github.com/a/b", SETTINGS))
        .hasMessageNotContaining("ghp_secret");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://github.com/acme/widgets",
        "https://github.com/acme/widgets.git",
        "https://github.com/acme/widgets/",
        "HTTPS://GitHub.com/acme/widgets",
        "https://github.com:443/acme/widgets",
        "  acme/widgets ",
        "acme/widgets",
        "acme/widgets.git"
      })
  void acceptsGitHubReferencesInTheirCommonForms(String input) {
    RepoUrl repo = RepoUrl.parse(input, SETTINGS);

    assertThat(repo.owner()).isEqualTo("acme");
    assertThat(repo.name()).isEqualTo("widgets");
    assertThat(repo.host()).isEqualTo("github.com");
    assertThat(repo.fullName()).isEqualTo("acme/widgets");
    assertThat(repo.cloneUrl())
        .isIn("https://github.com/acme/widgets.git", "https://github.com:443/acme/widgets.git");
    assertThat(repo.isGitHub(SETTINGS)).isTrue();
  }

  @Test
  void acceptsAnAllowedHostWithItsPortAndKnowsItIsNotGitHub() {
    RepoUrl repo = RepoUrl.parse("https://git.example.org:8443/team/app.git", SETTINGS);

    assertThat(repo.hostAndPort()).isEqualTo("git.example.org:8443");
    assertThat(repo.cloneUrl()).isEqualTo("https://git.example.org:8443/team/app.git");
    assertThat(repo.isGitHub(SETTINGS)).isFalse();
  }

  @Test
  void allowsPlainHttpOnlyWhenConfigured() {
    GitSettings testing =
        settings(
            Map.of(
                "DOCKHAND_GIT_HOSTS", "127.0.0.1:9000",
                "DOCKHAND_ALLOW_HTTP_GIT", "true",
                "GITHUB_URL", "http://127.0.0.1:9000"));

    RepoUrl full = RepoUrl.parse("http://127.0.0.1:9000/acme/widgets.git", testing);
    RepoUrl shorthand = RepoUrl.parse("acme/widgets", testing);

    assertThat(full).isEqualTo(shorthand);
    assertThat(shorthand.cloneUrl()).isEqualTo("http://127.0.0.1:9000/acme/widgets.git");
    assertThat(shorthand.isGitHub(testing)).isTrue();
  }

  @Test
  void shorthandIsRefusedWhenGitHubsHostIsNotAllowed() {
    GitSettings elsewhere = settings(Map.of("DOCKHAND_GIT_HOSTS", "git.example.org"));

    assertThatThrownBy(() -> RepoUrl.parse("acme/widgets", elsewhere))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("host github.com is not allowed");
  }

  @Test
  void aMalformedHostListStopsStartUpNamingTheKey() {
    assertThatThrownBy(() -> settings(Map.of("DOCKHAND_GIT_HOSTS", "github.com, https://bad/")))
        .hasMessageStartingWith("DOCKHAND_GIT_HOSTS:");
  }

  private static GitSettings settings(Map<String, String> values) {
    return GitSettings.from(new Env(new HashMap<>(values)));
  }
}
