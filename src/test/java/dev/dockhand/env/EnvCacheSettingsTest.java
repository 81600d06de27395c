package dev.dockhand.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvCacheSettingsTest {
  private static final long MB = 1024 * 1024;

  @Test
  void byDefaultTenGigabytesAreKeptForAWeek() {
    EnvCacheSettings settings = EnvCacheSettings.from(new Env(Map.of()));

    assertThat(settings.maxBytes()).isEqualTo(10240 * MB);
    assertThat(settings.ttl()).isEqualTo(Duration.ofDays(7));
    assertThat(settings.enabled()).isTrue();
  }

  @Test
  void zeroMegabytesTurnsTheCacheOff() {
    assertThat(EnvCacheSettings.from(new Env(Map.of("DOCKHAND_ENV_CACHE_MB", "0"))).enabled())
        .isFalse();
  }

  @Test
  void theTtlIsReadInDaysOrInTheUnitsOfEveryOtherDuration() {
    Map<String, Duration> written =
        Map.of(
            "3d", Duration.ofDays(3),
            "12h", Duration.ofHours(12),
            "90m", Duration.ofMinutes(90),
            "86400", Duration.ofDays(1),
            "365D", Duration.ofDays(365));
    written.forEach(
        (text, expected) ->
            assertThat(EnvCacheSettings.from(new Env(Map.of("DOCKHAND_ENV_CACHE_TTL", text))).ttl())
                .as(text)
                .isEqualTo(expected));
  }

  @Test
  void aBadValueStopsStartUpNamingTheKey() {
    Map<String, String> bad =
        Map.of(
            "DOCKHAND_ENV_CACHE_MB", "lots",
            "DOCKHAND_ENV_CACHE_TTL", "a week");
    bad.forEach(
        (key, value) ->
            assertThatThrownBy(() -> EnvCacheSettings.from(new Env(Map.of(key, value))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(key + ": "));
    for (String ttl : new String[] {"0d", "366d", "30s", "-1d"}) {
      assertThatThrownBy(
              () -> EnvCacheSettings.from(new Env(Map.of("DOCKHAND_ENV_CACHE_TTL", ttl))))
          .as(ttl)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("DOCKHAND_ENV_CACHE_TTL: ");
    }
    assertThatThrownBy(() -> EnvCacheSettings.from(new Env(Map.of("DOCKHAND_ENV_CACHE_MB", "-1"))))
        .hasMessageStartingWith("DOCKHAND_ENV_CACHE_MB: ");
  }
}
