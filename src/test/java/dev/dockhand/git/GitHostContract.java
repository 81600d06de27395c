package dev.dockhand.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.InvalidInputException;
import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link GitHost} promises; each implementation runs it through a subclass. */
abstract class GitHostContract {
  static final String TOKEN = "ghs_contract_token_90ab";
  static final RepoUrl REPO = RepoUrl.parse("acme/widgets", GitSettings.from(new Env(Map.of())));

  /** The host under test, talking to whatever stand-in the subclass runs. */
  abstract GitHost host();

  /** Whether this host opens pull requests at all. */
  abstract boolean opensPullRequests();

  @Test
  void askingAgainForTheSameBranchOpensNothingNew() {
    Optional<String> first = open("dockhand/aaaa1111");
    Optional<String> second = open("dockhand/aaaa1111");

    assertThat(first.isPresent()).isEqualTo(opensPullRequests());
    assertThat(second).isEqualTo(first);
  }

  @Test
  void differentBranchesGetTheirOwnPullRequests() {
    Optional<String> one = open("dockhand/bbbb2222");
    Optional<String> other = open("dockhand/cccc3333");

    if (opensPullRequests()) {
      assertThat(other).isNotEqualTo(one);
    } else {
      assertThat(one).isEmpty();
      assertThat(other).isEmpty();
    }
  }

  @Test
  void hostileBranchNamesAreRefusedBeforeAnyCall() {
    assertThatThrownBy(() -> open("--upload-pack=sh")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(
            () ->
                host().openPullRequest(REPO, "dockhand/x", "main;id", "t", "b", new Secret(TOKEN)))
        .isInstanceOf(InvalidInputException.class);
  }

  private Optional<String> open(String head) {
    return host().openPullRequest(REPO, head, "main", "Fix the widget", "Body", new Secret(TOKEN));
  }
}
