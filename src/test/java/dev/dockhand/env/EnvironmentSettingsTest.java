package dev.dockhand.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.InvalidInputException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvironmentSettingsTest {
  private static EnvironmentSettings of(Map<String, String> env, List<String> lockfiles) {
    return new EnvironmentSettings(
        Optional.of("npm ci"), Optional.empty(), Optional.empty(), env, lockfiles, false);
  }

  @Test
  void blankCommandsAreUnsetAndTheDefaultLockfilesApplyWhenNoneAreNamed() {
    EnvironmentSettings settings =
        new EnvironmentSettings(
            Optional.of("  "), Optional.of("\n"), Optional.empty(), Map.of(), List.of(), false);
    assertThat(settings.setup()).isEmpty();
    assertThat(settings.empty()).isTrue();
    assertThat(settings.lockfilePatterns()).contains("package-lock.json", "requirements*.txt");
    assertThat(of(Map.of(), List.of("uv.lock")).lockfilePatterns()).containsExactly("uv.lock");
  }

  @Test
  void theSandboxsOwnVariablesCannotBeSet() {
    for (String name : List.of("HOME", "https_proxy", "NO_PROXY", "DOCKHAND_TOKEN", "USER")) {
      assertThatThrownBy(() -> of(Map.of(name, "x"), List.of()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(name)
          .hasMessageContaining("set by the sandbox");
    }
    assertThat(of(Map.of("NODE_ENV", "test"), List.of()).env()).containsEntry("NODE_ENV", "test");
  }

  @Test
  void savedSettingsReadBackAsTheyWere() {
    EnvironmentSettings settings =
        new EnvironmentSettings(
            Optional.of("npm ci"),
            Optional.of("npm run build"),
            Optional.of("npm test"),
            Map.of("CI", "1"),
            List.of("package-lock.json"),
            true);
    assertThat(EnvironmentStore.read(EnvironmentStore.write(settings))).isEqualTo(settings);
  }
}
