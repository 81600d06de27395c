package dev.dockhand.env;

import static dev.dockhand.env.CacheFixture.repo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class EnvKeyTest {
  private static final List<EnvCommand> SETUP = List.of(new EnvCommand.Shell("npm ci"));

  @Test
  void theSameInputsGiveTheSameKeyWhateverTheOrderOfTheEnvironmentVariables() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("B", "2");
    env.put("A", "1");

    EnvKey first = EnvKey.of("sha256:img", 7, repo("o/app"), SETUP, env, lockfiles("v1"));
    EnvKey second =
        EnvKey.of(
            "sha256:img", 7, repo("O/App"), SETUP, Map.of("A", "1", "B", "2"), lockfiles("v1"));

    assertThat(first).isEqualTo(second);
    assertThat(first.hex()).hasSize(64);
    assertThat(first.repo()).isEqualTo("github.com/o/app");
    assertThat(first.userId()).isEqualTo(7);
  }

  @Test
  void changingTheImageTheOwnerTheRepositoryTheSetupTheEnvOrALockfileChangesTheKey() {
    Set<String> keys = new HashSet<>();
    keys.add(EnvKey.of("sha256:img", 7, repo("o/app"), SETUP, Map.of(), lockfiles("v1")).hex());
    keys.add(EnvKey.of("sha256:new", 7, repo("o/app"), SETUP, Map.of(), lockfiles("v1")).hex());
    keys.add(EnvKey.of("sha256:img", 8, repo("o/app"), SETUP, Map.of(), lockfiles("v1")).hex());
    keys.add(EnvKey.of("sha256:img", 7, repo("o/lib"), SETUP, Map.of(), lockfiles("v1")).hex());
    keys.add(
        EnvKey.of(
                "sha256:img",
                7,
                repo("o/app"),
                List.of(new EnvCommand.Shell("npm install")),
                Map.of(),
                lockfiles("v1"))
            .hex());
    keys.add(
        EnvKey.of("sha256:img", 7, repo("o/app"), SETUP, Map.of("NODE_ENV", "ci"), lockfiles("v1"))
            .hex());
    keys.add(EnvKey.of("sha256:img", 7, repo("o/app"), SETUP, Map.of(), lockfiles("v2")).hex());
    SortedMap<String, byte[]> moved = new TreeMap<>(Map.of("web/package-lock.json", bytes("v1")));
    keys.add(EnvKey.of("sha256:img", 7, repo("o/app"), SETUP, Map.of(), moved).hex());
    keys.add(EnvKey.of("sha256:img", 7, repo("o/app"), SETUP, Map.of(), new TreeMap<>()).hex());

    assertThat(keys).hasSize(9);
  }

  @Test
  void argumentsCannotRunTogetherIntoAnotherCommand() {
    EnvKey split =
        EnvKey.of(
            "i",
            1,
            repo("o/a"),
            List.of(new EnvCommand.Argv(List.of("npm", "ci"))),
            Map.of(),
            new TreeMap<>());
    EnvKey joined =
        EnvKey.of(
            "i",
            1,
            repo("o/a"),
            List.of(new EnvCommand.Argv(List.of("npm ci"))),
            Map.of(),
            new TreeMap<>());
    EnvKey twoCommands =
        EnvKey.of(
            "i",
            1,
            repo("o/a"),
            List.of(new EnvCommand.Argv(List.of("npm")), new EnvCommand.Argv(List.of("ci"))),
            Map.of(),
            new TreeMap<>());

    assertThat(Set.of(split.hex(), joined.hex(), twoCommands.hex())).hasSize(3);
  }

  @Test
  void aKeyIsSixtyFourHexDigits() {
    assertThatThrownBy(() -> new EnvKey(1, "github.com/o/a", "../../etc"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static SortedMap<String, byte[]> lockfiles(String content) {
    return new TreeMap<>(Map.of("package-lock.json", bytes(content)));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
