package dev.dockhand.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxSettingsTest {
  @Test
  void onlyTheThreeNetworkModesAreAcceptedNamingTheKey() {
    for (String mode : new String[] {"host", "container:other", "bridge", "my-network"}) {
      assertThatThrownBy(
              () -> SandboxSettings.from(new Env(Map.of("DOCKHAND_SANDBOX_NETWORK", mode))))
          .as(mode)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("DOCKHAND_SANDBOX_NETWORK: ");
    }
    assertThat(SandboxSettings.from(new Env(Map.of("DOCKHAND_SANDBOX_NETWORK", "Open"))).network())
        .isEqualTo(SandboxNetwork.OPEN);
  }

  @Test
  void aRuntimeNameThatIsNotAPlainNameIsRefusedNamingTheKey() {
    assertThatThrownBy(
            () ->
                SandboxSettings.from(new Env(Map.of("DOCKHAND_SANDBOX_RUNTIME", "runsc --debug"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("DOCKHAND_SANDBOX_RUNTIME: ");
  }

  @Test
  void rootOrANonNumericUserIsRefusedNamingTheKey() {
    for (String user : new String[] {"0:0", "0", "root", "1000:0", "1000:1000:1"}) {
      assertThatThrownBy(() -> SandboxSettings.from(new Env(Map.of("DOCKHAND_SANDBOX_USER", user))))
          .as(user)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("DOCKHAND_SANDBOX_USER: ");
    }
  }

  @Test
  void theDefaultsAreTheHardenedOnes() {
    SandboxSettings settings = SandboxSettings.from(new Env(Map.of()));

    assertThat(settings.network()).isEqualTo(SandboxNetwork.ALLOWLIST);
    assertThat(settings.runtime()).isEmpty();
    assertThat(settings.user()).isEqualTo("1000:1000");
    assertThat(settings.memoryBytes()).isEqualTo(2048L * 1024 * 1024);
    assertThat(settings.pidsLimit()).isEqualTo(512);
    assertThat(settings.outputCapBytes()).isEqualTo(256 * 1024);
    assertThat(settings.warmPool()).isEqualTo(2);
  }

  @Test
  void theWarmPoolIsZeroToSixteenContainersNamingTheKeyOtherwise() {
    assertThat(SandboxSettings.from(new Env(Map.of("DOCKHAND_WARM_POOL", "0"))).warmPool())
        .isZero();
    assertThat(SandboxSettings.from(new Env(Map.of("DOCKHAND_WARM_POOL", "16"))).warmPool())
        .isEqualTo(16);
    for (String count : new String[] {"-1", "17", "two"}) {
      assertThatThrownBy(() -> SandboxSettings.from(new Env(Map.of("DOCKHAND_WARM_POOL", count))))
          .as(count)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("DOCKHAND_WARM_POOL: ");
    }
  }
}
