package dev.dockhand.env;

import static dev.dockhand.env.CacheFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The base commit as the cache reads it: from the host's git objects, not the workspace. */
class BaseTreeTest {
  @TempDir Path temp;

  @Test
  void theDefaultLockfilesAreFoundAtAnyDepthByNameAndEveryTrackedPathIsListed() throws Exception {
    Path work = temp.resolve("repo");
    write(work.resolve("package-lock.json"), "{\"lockfileVersion\":3}");
    write(work.resolve("services/api/requirements-dev.txt"), "pytest==8");
    write(work.resolve("android/build.gradle.kts"), "plugins {}");
    write(work.resolve("crates/core/Cargo.lock"), "# cargo");
    write(work.resolve("README.md"), "# app");
    write(work.resolve("docs/package-lock.json.md"), "not a lockfile");
    Files.createSymbolicLink(work.resolve("yarn.lock"), Path.of("/etc/passwd"));
    String commit = commit(work);

    BaseTree base =
        BaseTree.read(work.resolve(".git"), commit, EnvironmentSettings.DEFAULT_LOCKFILES).get();

    assertThat(base.lockfiles())
        .containsOnlyKeys(
            "android/build.gradle.kts",
            "crates/core/Cargo.lock",
            "package-lock.json",
            "services/api/requirements-dev.txt");
    assertThat(new String(base.lockfiles().get("package-lock.json"), StandardCharsets.UTF_8))
        .isEqualTo("{\"lockfileVersion\":3}");
    assertThat(base.tracked())
        .containsExactlyInAnyOrder(
            "package-lock.json",
            "services/api/requirements-dev.txt",
            "android/build.gradle.kts",
            "crates/core/Cargo.lock",
            "README.md",
            "docs/package-lock.json.md",
            "yarn.lock");
  }

  @Test
  void theBytesAreTheCommitsNotWhatTheWorkspaceHoldsNow() throws Exception {
    Path work = temp.resolve("repo");
    write(work.resolve("go.sum"), "committed");
    String commit = commit(work);
    write(work.resolve("go.sum"), "edited in the workspace");

    BaseTree base = BaseTree.read(work.resolve(".git"), commit, List.of("go.sum")).get();

    assertThat(base.lockfiles().get("go.sum")).isEqualTo("committed".getBytes());
  }

  @Test
  void theSettingsOwnPatternsReplaceTheDefaults() throws Exception {
    Path work = temp.resolve("repo");
    write(work.resolve("package-lock.json"), "npm");
    write(work.resolve("deps/versions.lock"), "own");
    write(work.resolve("tools/tools.lock"), "own too");
    String commit = commit(work);

    BaseTree base = BaseTree.read(work.resolve(".git"), commit, List.of("*.lock")).get();

    assertThat(base.lockfiles()).containsOnlyKeys("deps/versions.lock", "tools/tools.lock");
  }

  @Test
  void aCommitWithMoreLockfilesThanTheCapIsNotCached() throws Exception {
    Path work = temp.resolve("repo");
    for (int i = 0; i <= BaseTree.MAX_LOCKFILES; i++) {
      write(work.resolve("pkgs/" + i + "/requirements.txt"), "x" + i);
    }
    String commit = commit(work);

    assertThat(BaseTree.read(work.resolve(".git"), commit, EnvironmentSettings.DEFAULT_LOCKFILES))
        .isEmpty();
  }

  @Test
  void aCommitTheRepositoryDoesNotHaveIsAnError() throws Exception {
    Path work = temp.resolve("repo");
    write(work.resolve("a"), "a");
    commit(work);

    assertThatThrownBy(
            () ->
                BaseTree.read(
                    work.resolve(".git"), "0".repeat(40), EnvironmentSettings.DEFAULT_LOCKFILES))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> BaseTree.read(work.resolve(".git"), "HEAD", List.of()))
        .isInstanceOf(IOException.class);
  }

  private static String commit(Path work) throws Exception {
    try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      return git.commit()
          .setMessage("base")
          .setAuthor("t", "t@example.com")
          .setCommitter("t", "t@example.com")
          .setSign(false)
          .call()
          .name();
    }
  }
}
