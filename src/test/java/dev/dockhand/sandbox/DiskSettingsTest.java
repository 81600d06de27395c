package dev.dockhand.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiskSettingsTest {
  private static final long MB = 1024 * 1024;

  @Test
  void byDefaultATaskGetsTenGigabytesAndHalfAMillionFiles() {
    DiskSettings settings = DiskSettings.from(new Env(Map.of()));

    assertThat(settings.limitBytes()).isEqualTo(10240 * MB);
    assertThat(settings.files()).isEqualTo(500_000);
    assertThat(settings.bounded()).isTrue();
  }

  @Test
  void zeroMeansUnboundedPlainDirectories() {
    DiskSettings settings = DiskSettings.from(new Env(Map.of("DOCKHAND_SANDBOX_DISK_MB", "0")));

    assertThat(settings.bounded()).isFalse();
    assertThat(settings.imageBytes()).isZero();
    assertThat(settings.reserveBytes()).isZero();
    assertThat(settings.describe()).contains("unbounded").contains("can fill the data disk");
  }

  @Test
  void aLimitTooSmallToHoldACloneOrNotANumberIsRefusedNamingTheKey() {
    for (String value : new String[] {"1", "63", "-5", "lots", "999999999999"}) {
      assertThatThrownBy(
              () -> DiskSettings.from(new Env(Map.of("DOCKHAND_SANDBOX_DISK_MB", value))))
          .as(value)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("DOCKHAND_SANDBOX_DISK_MB: ");
    }
  }

  @Test
  void aFileCountOutsideTheSaneRangeIsRefusedNamingTheKey() {
    for (String value : new String[] {"0", "999", "100000000", "many"}) {
      assertThatThrownBy(() -> DiskSettings.from(new Env(Map.of("DOCKHAND_SANDBOX_FILES", value))))
          .as(value)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("DOCKHAND_SANDBOX_FILES: ");
    }
  }

  @Test
  void moreFilesThanTheLimitCanIndexAreRefusedNamingTheKey() {
    Env env =
        new Env(Map.of("DOCKHAND_SANDBOX_DISK_MB", "64", "DOCKHAND_SANDBOX_FILES", "2000000"));

    assertThatThrownBy(() -> DiskSettings.from(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("DOCKHAND_SANDBOX_FILES: ")
        .hasMessageContaining("1048576");
    assertThat(DiskSettings.from(new Env(Map.of("DOCKHAND_SANDBOX_DISK_MB", "64"))).files())
        .isEqualTo(500_000);
  }

  @Test
  void rootKeepsAtLeastSixteenMegabytesOrTwoPercentOnTopOfTheLimit() {
    assertThat(new DiskSettings(64 * MB, 1000).reserveBytes()).isEqualTo(16 * MB);
    assertThat(new DiskSettings(10240 * MB, 1000).reserveBytes()).isEqualTo(10240 * MB / 50);
  }

  @Test
  void theImageHoldsTheLimitTheReserveAndTheInodeTables() {
    DiskSettings settings = new DiskSettings(10240 * MB, 500_000);

    assertThat(settings.imageBytes())
        .isGreaterThan(settings.limitBytes() + settings.reserveBytes() + 500_000L * 256)
        .isLessThan(settings.limitBytes() * 105 / 100);
  }
}
