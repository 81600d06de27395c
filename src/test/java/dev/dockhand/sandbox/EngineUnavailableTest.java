package dev.dockhand.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A missing engine or image is a clear, retryable error and a not-ready health, never a crash. */
@Tag("docker")
class EngineUnavailableTest {
  @Test
  void anUnreachableEngineIsARetryableErrorNamingItsAddress(@TempDir Path workspace) {
    String deadSocket = "unix://" + workspace.resolve("dead.sock");
    try (DockerSandbox sandbox =
        new DockerSandbox(
            SandboxFixture.settings(Map.of("DOCKER_HOST", deadSocket)),
            SandboxFixture.uniqueNode())) {
      SandboxException error =
          catchThrowableOfType(
              SandboxException.class, () -> sandbox.start("unreachable", workspace));
      SandboxHealth health = sandbox.health();

      assertThat(error.retryable()).isTrue();
      assertThat(error.code()).isEqualTo("sandbox_unavailable");
      assertThat(error.getMessage()).startsWith("Docker engine unreachable at " + deadSocket);
      assertThat(health.ready()).isFalse();
      assertThat(health.engineReachable()).isFalse();
      assertThat(health.summary()).contains(deadSocket).doesNotContain("\n");
    }
  }

  @Test
  void aMissingImageIsARetryableErrorNamingTheBuildCommand(@TempDir Path workspace) {
    String image = "dockhand-worker:missing-" + System.nanoTime();
    try (DockerSandbox sandbox =
        new DockerSandbox(
            SandboxFixture.settings(Map.of("DOCKHAND_WORKER_IMAGE", image)),
            SandboxFixture.uniqueNode())) {
      SandboxException error =
          catchThrowableOfType(SandboxException.class, () -> sandbox.start("no-image", workspace));
      SandboxHealth health = sandbox.health();

      assertThat(error.retryable()).isTrue();
      assertThat(error.getMessage())
          .isEqualTo(
              "worker image " + image + " is missing; build it with `dockhand worker-image build`");
      assertThat(health.engineReachable()).isTrue();
      assertThat(health.imagePresent()).isFalse();
      assertThat(health.summary()).contains(image, "dockhand worker-image build");
    }
  }

  @Test
  void aReachableEngineWithTheImageIsReady() {
    try (DockerSandbox sandbox =
        new DockerSandbox(SandboxFixture.settings(Map.of()), SandboxFixture.uniqueNode())) {
      SandboxHealth health = sandbox.health();

      assertThat(health.ready()).as(health.summary()).isTrue();
      assertThat(health.summary()).startsWith("sandbox ready: Docker ");
    }
  }
}
