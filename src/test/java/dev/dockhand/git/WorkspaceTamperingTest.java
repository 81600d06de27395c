package dev.dockhand.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import dev.dockhand.testkit.GitHttpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What an agent can do to {@code .git} inside its container must not reach the host. */
class WorkspaceTamperingTest {
  private static final String TOKEN = "ghs_tampering_test_token_51e0";
  private static final Secret SECRET = new Secret(TOKEN);
  private static final GitIdentity USER = new GitIdentity("Ada", "ada@example.org");
  private static final String REPO = "acme/widgets";

  @TempDir Path temp;
  private GitHttpServer server;
  private GitHttpServer attacker;
  private GitWorkspace workspace;
  private Path marker;

  @BeforeEach
  void cloneAndChange() throws IOException {
    server = GitHttpServer.start(TOKEN);
    attacker = GitHttpServer.start(TOKEN);
    server.createRepo(REPO, Map.of("README.md", "hello\n"));
    RepoUrl repo = RepoUrl.parse(REPO, GitSettings.from(new Env(server.environment())));
    workspace = GitWorkspace.clone(repo, Optional.empty(), temp.resolve("ws"), SECRET);
    Files.writeString(workspace.dir().resolve("change.txt"), "x\n");
    marker = temp.resolve("host-was-touched");
  }

  @AfterEach
  void stop() {
    server.close();
    attacker.close();
  }

  @Test
  void hooksWrittenByTheAgentNeverRunOnTheHost() throws IOException {
    for (String hook : new String[] {"pre-commit", "commit-msg", "post-commit", "pre-push"}) {
      Path script = workspace.dir().resolve(".git/hooks/" + hook);
      Files.createDirectories(script.getParent());
      Files.writeString(script, "#!/bin/sh\ntouch " + marker + "\n");
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    workspace.commitAll("Change", GitIdentity.AGENT, USER).orElseThrow();
    workspace.push("dockhand/hooks", SECRET);

    assertThat(marker).doesNotExist();
    assertThat(server.branches(REPO)).contains("dockhand/hooks");
  }

  @Test
  void aRewrittenConfigCannotRedirectThePushOrRunASigningProgram() throws IOException {
    Path signer = temp.resolve("signer.sh");
    Files.writeString(signer, "#!/bin/sh\ntouch " + marker + "\n");
    Files.setPosixFilePermissions(signer, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(
        workspace.dir().resolve(".git/config"),
        String.join(
            "\n",
            "[core]",
            "  hooksPath = " + temp,
            "[remote \"origin\"]",
            "  url = " + attacker.url(REPO),
            "[url \"" + attacker.baseUrl() + "/\"]",
            "  insteadOf = " + server.baseUrl() + "/",
            "[commit]",
            "  gpgSign = true",
            "[gpg]",
            "  program = " + signer,
            ""));

    String commit = workspace.commitAll("Change", GitIdentity.AGENT, USER).orElseThrow();
    workspace.push("dockhand/config", SECRET);

    assertThat(marker).doesNotExist();
    assertThat(attacker.requests()).isEmpty();
    assertThat(server.head(REPO, "dockhand/config").orElseThrow().id()).isEqualTo(commit);
    assertThat(Files.readString(workspace.dir().resolve(".git/config")))
        .doesNotContain("gpg", "insteadOf");
  }

  @Test
  void aSymbolicLinkInsideGitIsRefused() throws IOException {
    Path objects = workspace.dir().resolve(".git/objects/pack");
    Files.createSymbolicLink(objects.resolve("elsewhere"), temp);

    assertThatThrownBy(() -> workspace.commitAll("Change", GitIdentity.AGENT, USER))
        .isInstanceOfSatisfying(
            GitException.class, e -> assertThat(e.code()).isEqualTo("git_workspace"))
        .hasMessageContaining(".git/objects/pack/elsewhere");
  }

  @Test
  void aGitFilePointingAtAnotherRepositoryIsRefused() throws IOException {
    Path gitDir = workspace.dir().resolve(".git");
    Files.move(gitDir, temp.resolve("moved.git"));
    Files.writeString(gitDir, "gitdir: " + temp.resolve("moved.git") + "\n");

    assertThatThrownBy(() -> workspace.push("dockhand/gitfile", SECRET))
        .isInstanceOfSatisfying(
            GitException.class, e -> assertThat(e.code()).isEqualTo("git_workspace"));
    assertThat(server.branches(REPO)).containsExactly("main");
  }

  @Test
  void alternatesThatBorrowAnotherRepositorysObjectsAreDropped() throws IOException {
    Path alternates = workspace.dir().resolve(".git/objects/info/alternates");
    Files.createDirectories(alternates.getParent());
    Files.writeString(alternates, server.repoDir(REPO).resolve("objects") + "\n");

    workspace.commitAll("Change", GitIdentity.AGENT, USER).orElseThrow();

    assertThat(alternates).doesNotExist();
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aNamedPipeInTheWorkTreeDoesNotHangTheCommit() throws Exception {
    Path fifo = workspace.dir().resolve("pipe");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor()).isZero();

    String commit = workspace.commitAll("Change", GitIdentity.AGENT, USER).orElseThrow();
    workspace.push("dockhand/fifo", SECRET);

    assertThat(server.head(REPO, "dockhand/fifo").orElseThrow().id()).isEqualTo(commit);
    assertThat(server.files(REPO, "dockhand/fifo")).containsOnlyKeys("README.md", "change.txt");
  }
}
