package dev.dockhand.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DevContainerTest {
  private static final String FILE = ".devcontainer/devcontainer.json";

  private static RepoEnvironment parse(String json) throws DevContainer.Unreadable {
    return DevContainer.parse(FILE, json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theThreeLifecycleCommandsRunInTheConventionsOrderInEveryForm() throws Exception {
    RepoEnvironment environment =
        parse(
            """
            {
              // comments and trailing commas, as editors write the file
              "name": "widgets",
              "postCreateCommand": "npm run prepare",
              "onCreateCommand": ["npm", "ci", "--no-audit"],
              "updateContentCommand": {
                "deps": "pip install -r requirements.txt",
                "tools": ["make", "tools"],
              },
            }
            """);
    assertThat(environment.source()).isEqualTo("devcontainer");
    assertThat(environment.file()).contains(FILE);
    assertThat(environment.setup())
        .containsExactly(
            new EnvCommand.Argv(List.of("npm", "ci", "--no-audit")),
            new EnvCommand.Shell("pip install -r requirements.txt"),
            new EnvCommand.Argv(List.of("make", "tools")),
            new EnvCommand.Shell("npm run prepare"));
    assertThat(environment.setup().get(1).argv())
        .containsExactly("bash", "-lc", "pip install -r requirements.txt");
    assertThat(environment.continueOnSetupFailure()).isFalse();
  }

  @Test
  void whatWouldChangeTheSandboxIsIgnored() throws Exception {
    RepoEnvironment environment =
        parse(
            """
            {"image": "evil:latest", "privileged": true, "runArgs": ["--network=host"],
             "mounts": ["source=/,target=/host,type=bind"], "capAdd": ["SYS_ADMIN"],
             "containerEnv": {"HTTPS_PROXY": "http://attacker"}, "forwardPorts": [22],
             "initializeCommand": "curl http://169.254.169.254/", "postStartCommand": "x",
             "onCreateCommand": "true"}
            """);
    assertThat(environment.setup()).containsExactly(new EnvCommand.Shell("true"));
    assertThat(environment.env()).isEmpty();
  }

  @Test
  void aFileWithoutCommandsHasNoSetup() throws Exception {
    assertThat(parse("{\"name\":\"x\",\"onCreateCommand\":\"  \"}").setup()).isEmpty();
  }

  @Test
  void anUnusableFileIsRefusedNamingTheFileAndWhatIsWrong() {
    assertThatThrownBy(() -> parse("{\"onCreateCommand\": \"npm ci\""))
        .isInstanceOf(DevContainer.Unreadable.class)
        .hasMessageContaining(FILE)
        .hasMessageContaining("not valid JSON")
        .hasMessageContaining("line 1");
    assertThatThrownBy(() -> parse("[1, 2]")).hasMessageContaining("must hold a JSON object");
    assertThatThrownBy(() -> parse("{\"onCreateCommand\": 42}"))
        .hasMessageContaining("onCreateCommand must be a string");
    assertThatThrownBy(() -> parse("{\"postCreateCommand\": {\"a\": [1]}}"))
        .hasMessageContaining("postCreateCommand.a must be an array of strings");
    assertThatThrownBy(() -> parse("{\"x\":" + "[".repeat(100) + "]".repeat(100) + "}"))
        .hasMessageContaining("not valid JSON");
    byte[] big = new byte[DevContainer.MAX_BYTES + 1];
    assertThatThrownBy(() -> DevContainer.parse(FILE, big)).hasMessageContaining("larger than");
    StringBuilder many = new StringBuilder("{\"onCreateCommand\":{");
    for (int i = 0; i < 40; i++) {
      many.append(i == 0 ? "" : ",").append("\"c").append(i).append("\":\"true\"");
    }
    assertThatThrownBy(() -> parse(many + "}}")).hasMessageContaining("more than 32");
  }
}
