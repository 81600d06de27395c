package dev.dockhand.sandbox;

import static dev.dockhand.sandbox.SandboxFixture.bash;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tools an agent reaches for first run in a task's container as the sandbox shapes it (the
 * sandbox user, a read-only root, no network): each answers for its version, and does its job on a
 * file of the workspace.
 */
@Tag("docker")
class WorkerImageToolsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static DockerSandbox sandbox() {
    return new DockerSandbox(SandboxFixture.settings(Map.of()), SandboxFixture.uniqueNode());
  }

  @Test
  void eachToolAnAgentReachesForFirstRunsInATaskContainer(@TempDir Path workspace) {
    try (DockerSandbox sandbox = sandbox();
        SandboxContainer container = sandbox.start("tools-" + System.nanoTime(), workspace)) {
      Map<String, String> versions =
          Map.of(
              "curl --version", "curl ",
              "wget --version", "GNU Wget",
              "jq --version", "jq-",
              "unzip -v", "UnZip",
              "zip -v", "Info-ZIP",
              "file --version", "file-",
              "less --version", "less ",
              "tree --version", "tree v",
              "pip --version", "pip ",
              "pip3 --version", "pip ");
      versions.forEach(
          (command, answer) -> {
            ExecResult result = container.exec(bash(TIMEOUT, command));
            assertThat(result.exitCode()).as(command + ": " + result.output()).isZero();
            assertThat(result.output()).as(command).contains(answer);
          });

      ExecResult work =
          container.exec(
              bash(
                  TIMEOUT,
                  """
                  set -e
                  mkdir -p src/a && echo '{"name":"widgets","version":3}' > src/a/package.json
                  jq -r .name src/a/package.json
                  zip -qr src.zip src && rm -r src && unzip -q src.zip
                  file src.zip
                  tree --noreport src
                  less -FX src/a/package.json
                  """));
      assertThat(work.exitCode()).as(work.output()).isZero();
      assertThat(work.output())
          .contains("widgets", "src.zip: Zip archive data", "package.json", "\"version\":3");
    }
  }

  @Test
  void aProjectGetsAPythonEnvironmentOfItsOwnWithPip(@TempDir Path workspace) {
    try (DockerSandbox sandbox = sandbox();
        SandboxContainer container = sandbox.start("venv-" + System.nanoTime(), workspace)) {
      ExecResult result =
          container.exec(
              bash(
                  TIMEOUT,
                  "python3 -m venv .venv && .venv/bin/pip --version && .venv/bin/python -c"
                      + " 'import sys; print(sys.prefix)'"));

      assertThat(result.exitCode()).as(result.output()).isZero();
      assertThat(result.output()).contains("pip ", "/workspace/.venv");
    }
  }
}
