package dev.dockhand.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueSettingsTest {
  @Test
  void eachTasksEventLogIsCappedAt20000EventsAnd64MegabytesUnlessConfigured() {
    QueueSettings defaults = QueueSettings.from(new Env(Map.of()));
    assertThat(defaults.maxTaskEvents()).isEqualTo(20_000);
    assertThat(defaults.maxTaskEventBytes()).isEqualTo(64L * 1024 * 1024);

    QueueSettings set =
        QueueSettings.from(
            new Env(Map.of("DOCKHAND_TASK_MAX_EVENTS", "500", "DOCKHAND_TASK_MAX_EVENT_MB", "8")));
    assertThat(set.maxTaskEvents()).isEqualTo(500);
    assertThat(set.maxTaskEventBytes()).isEqualTo(8L * 1024 * 1024);
  }

  @Test
  void aCapTooSmallToKeepRoomForHowTheTaskEndsStopsStartUpNamingItsKey() {
    assertThatThrownBy(() -> QueueSettings.from(new Env(Map.of("DOCKHAND_TASK_MAX_EVENTS", "10"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("DOCKHAND_TASK_MAX_EVENTS");
    assertThatThrownBy(() -> QueueSettings.from(new Env(Map.of("DOCKHAND_TASK_MAX_EVENT_MB", "0"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("DOCKHAND_TASK_MAX_EVENT_MB");
  }
}
