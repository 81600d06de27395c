package dev.dockhand.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import dev.dockhand.testkit.GitHttpServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The task's disk is what bounds a repository's size: a clone that fills it ends with a clear
 * reason. The disk here is a 256 KiB tmpfs, which needs root (as the coordinator runs).
 */
class TaskDiskTest {
  private static final String TOKEN = "ghs_disk_test_token_8a2f";

  @TempDir Path temp;
  private GitHttpServer server;
  private Path disk;
  private boolean mounted;

  @BeforeEach
  void mountASmallDisk() throws Exception {
    server = GitHttpServer.start(TOKEN);
    disk = Files.createDirectories(temp.resolve("disk"));
    Process mount =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", disk.toString())
            .redirectErrorStream(true)
            .start();
    mount.getInputStream().readAllBytes();
    mounted = mount.waitFor() == 0;
    // The tests run as root, as the server does: a mount that fails is a failure, not a skip.
    assertThat(mounted).as("mounting a tmpfs (needs root)").isTrue();
  }

  @AfterEach
  void unmount() throws Exception {
    server.close();
    if (mounted) {
      assertThat(new ProcessBuilder("umount", disk.toString()).start().waitFor()).isZero();
    }
  }

  @Test
  void aRepositoryLargerThanTheTaskDiskEndsTheCloneWithAClearReason() throws IOException {
    byte[] noise = new byte[1 << 20];
    new Random(7).nextBytes(noise);
    server.createRepo("acme/large", Map.of("noise.txt", Base64.getEncoder().encodeToString(noise)));
    RepoUrl repo = RepoUrl.parse("acme/large", GitSettings.from(new Env(server.environment())));

    assertThatThrownBy(
            () ->
                GitWorkspace.clone(
                    repo,
                    Optional.empty(),
                    Optional.empty(),
                    disk.resolve("host.git"),
                    disk.resolve("ws"),
                    new Secret(TOKEN),
                    WorkspaceLimits.DEFAULT))
        .isInstanceOfSatisfying(
            GitException.class,
            e -> {
              assertThat(e.code()).isEqualTo("git_disk_full");
              assertThat(e.retryable()).isFalse();
            })
        .hasMessage("the repository does not fit in the task's disk");
  }
}
