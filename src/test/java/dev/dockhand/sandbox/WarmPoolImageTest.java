package dev.dockhand.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker image built again while containers wait in the pool: they are of the old build, so the
 * next task gets a fresh container of the new one (a cached environment is keyed by the image it
 * was made in), and the pool refills from the new build.
 */
@Tag("docker")
class WarmPoolImageTest {
  @TempDir Path temp;

  @Test
  void containersOfAnEarlierBuildOfTheWorkerImageAreNotHandedOver() throws Exception {
    String image = "dockhand-pool-test-" + UUID.randomUUID().toString().substring(0, 8);
    docker(null, "tag", "dockhand-worker:latest", image);
    try (PoolFixture fixture = new PoolFixture(temp)) {
      DockerSandbox sandbox =
          new DockerSandbox(
              PoolFixture.settings(Map.of("DOCKHAND_WORKER_IMAGE", image)),
              SandboxFixture.uniqueNode());
      WarmPool pool = fixture.pool(sandbox);
      PoolFixture.awaitFull(pool, 2);
      docker("FROM dockhand-worker:latest\nLABEL rebuilt=yes\n", "build", "-q", "-t", image, "-");
      String rebuilt = sandbox.imageId();

      try (SandboxContainer first = pool.start("first-" + System.nanoTime(), files(fixture))) {
        assertThat(imageOf(sandbox, first)).isEqualTo(rebuilt);
        assertThat(fixture.handOvers).containsExactly(false);
      }
      PoolFixture.awaitFull(pool, 2);
      try (SandboxContainer second = pool.start("second-" + System.nanoTime(), files(fixture))) {
        assertThat(imageOf(sandbox, second)).isEqualTo(rebuilt);
        assertThat(fixture.handOvers).containsExactly(false, true);
      }
    } finally {
      docker(null, "rmi", "-f", image);
    }
  }

  private static TaskFiles files(PoolFixture fixture) {
    return fixture.attempt().files();
  }

  private static String imageOf(DockerSandbox sandbox, SandboxContainer container) {
    return sandbox.engine().client().inspectContainerCmd(container.id()).exec().getImageId();
  }

  /** The docker CLI, with {@code stdin} (or nothing) on its input. */
  private static void docker(String stdin, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (var in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
  }
}
