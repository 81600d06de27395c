package dev.dockhand.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import dev.dockhand.sandbox.ExecRequest;
import dev.dockhand.sandbox.ExecResult;
import dev.dockhand.sandbox.SandboxContainer;
import dev.dockhand.testkit.GitHttpServer;
import dev.dockhand.testkit.TestSandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkout command, run as the pipeline will run it: in the task's real container. */
@Tag("docker")
class CheckoutInSandboxTest {
  private static final String TOKEN = "ghs_sandbox_checkout_token_77aa";

  @TempDir Path temp;

  @Test
  void theWorkerImagesGitChecksTheWorkingBranchOutInTheContainer() throws IOException {
    try (GitHttpServer server = GitHttpServer.start(TOKEN)) {
      server.createRepo("acme/widgets", Map.of("README.md", "hello\n", "src/app.txt", "v1\n"));
      RepoUrl repo = RepoUrl.parse("acme/widgets", GitSettings.from(new Env(server.environment())));
      GitWorkspace workspace =
          GitWorkspace.clone(
              repo,
              Optional.empty(),
              Optional.empty(),
              temp.resolve("host.git"),
              temp.resolve("ws"),
              new Secret(TOKEN),
              WorkspaceLimits.DEFAULT);
      ExecResult checkout;
      ExecResult status;
      try (SandboxContainer container =
          TestSandbox.start("checkout-" + UUID.randomUUID(), workspace.workTree())) {
        checkout =
            container.exec(
                new ExecRequest(
                    workspace.checkoutCommand(),
                    "/workspace",
                    Map.of(),
                    null,
                    Duration.ofMinutes(1),
                    chunk -> {}));
        status = container.exec(ExecRequest.of(Duration.ofMinutes(1), "git", "status", "-s"));
      }

      assertThat(checkout.exitCode()).as(checkout.output()).isZero();
      assertThat(status.exitCode()).as(status.output()).isZero();
      assertThat(status.output()).isEmpty();
      assertThat(Files.readString(workspace.workTree().resolve("src/app.txt"))).isEqualTo("v1\n");
      Files.writeString(workspace.workTree().resolve("src/app.txt"), "v2\n");
      assertThat(workspace.commitAll("Edit", GitIdentity.AGENT, GitIdentity.AGENT)).isPresent();
    }
  }
}
