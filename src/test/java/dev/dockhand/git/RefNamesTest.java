package dev.dockhand.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RefNamesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "--upload-pack=touch /tmp/pwned",
        "--upload-pack=sh",
        "-b",
        "main;rm -rf /",
        "main&&id",
        "feature..main",
        "../../etc/passwd",
        "has space",
        "tab\there",
        "new\nline",
        "nul\u0000byte",
        "bell\u0007",
        "HEAD",
        "refs/heads/main",
        "topic.lock",
        "a~1",
        "a^2",
        "a:b",
        "what?",
        "glob*",
        "[x]",
        "back\\slash",
        "at@{1}",
        "/leading",
        "trailing/",
        "double//slash",
        ".hidden",
        "dir/.hidden",
        "ends.",
        ""
      })
  void refusesHostileOrInvalidBranchNames(String name) {
    assertThatThrownBy(() -> RefNames.requireBranch(name))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("branch"));
  }

  @Test
  void refusesAnOverlongName() {
    assertThatThrownBy(() -> RefNames.requireBranch("b".repeat(201)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("too long");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"main", "master", "feature/login-page", "release-1.2", "user_42/fix", "v2"})
  void acceptsOrdinaryBranchNames(String name) {
    assertThat(RefNames.requireBranch(name)).isEqualTo(name);
  }

  @Test
  void taskBranchesLiveUnderDockhand() {
    assertThat(RefNames.taskBranch("a1b2c3d4")).isEqualTo("dockhand/a1b2c3d4");
    assertThatThrownBy(() -> RefNames.taskBranch("x;y")).isInstanceOf(InvalidInputException.class);
  }
}
