package dev.dockhand.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.agent.Ceilings;
import dev.dockhand.config.ConfigException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The server's ceilings on models, task budgets and turns, spend per person, and live streams. */
class CeilingsConfigTest {
  @TempDir Path dir;

  private Config load(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("DOCKHAND_DATA_DIR", dir.toString());
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return Config.load(env);
  }

  @Test
  void unsetCeilingsAllowThePricedModelFamiliesAndHaveTheDocumentedDefaults() {
    Config config = load();
    Ceilings ceilings = config.agent().ceilings();
    assertThat(ceilings.models()).contains("claude-sonnet-4*", "claude-opus-4*", "claude-haiku-4*");
    assertThat(ceilings.allowsModel("claude-sonnet-4-5")).isTrue();
    assertThat(ceilings.allowsModel("claude-opus-4-5-20251101")).isTrue();
    assertThat(ceilings.allowsModel("gpt-4o")).isFalse();
    assertThat(ceilings.maxTaskBudgetUsd()).isEqualTo(25.0);
    assertThat(ceilings.maxTaskTurns()).isEqualTo(200);
    assertThat(ceilings.userDailyBudgetUsd()).isEqualTo(50.0);
    assertThat(ceilings.userMonthlyBudgetUsd()).isEqualTo(500.0);
    assertThat(ceilings.maxMessagesPerTask()).isEqualTo(200);
    assertThat(config.streams().perUser()).isEqualTo(20);
    assertThat(config.streams().perAddress()).isEqualTo(50);
  }

  @Test
  void aDefaultModelThePriceTableDoesNotKnowIsAllowedWhenNoListIsSet() {
    Ceilings ceilings = load("DOCKHAND_MODEL", "house-model-1").agent().ceilings();
    assertThat(ceilings.allowsModel("house-model-1")).isTrue();
    assertThat(ceilings.allowsModel("house-model-2")).isFalse();
    Ceilings priced =
        load("DOCKHAND_PRICES", "house-model=1/2", "DOCKHAND_MODEL", "house-model-1")
            .agent()
            .ceilings();
    assertThat(priced.allowsModel("house-model-2")).isTrue();
  }

  @Test
  void aListedModelMatchesExactlyOrByAPrefixEndingInAStar() {
    Ceilings ceilings =
        load("DOCKHAND_MODELS", "claude-sonnet-4-5, claude-haiku-4*").agent().ceilings();
    assertThat(ceilings.allowsModel("claude-sonnet-4-5")).isTrue();
    assertThat(ceilings.allowsModel("claude-sonnet-4-5-20250929")).isFalse();
    assertThat(ceilings.allowsModel("claude-haiku-4-5")).isTrue();
    assertThat(ceilings.allowsModel("claude-opus-4-5")).isFalse();
  }

  @Test
  void aDefaultModelOffTheListStopsStartUpNamingBothKeys() {
    assertThatThrownBy(() -> load("DOCKHAND_MODELS", "claude-haiku-4-5"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "DOCKHAND_MODEL: 'claude-sonnet-4-5' is not on DOCKHAND_MODELS (claude-haiku-4-5);"
                + " add it there or choose one of those");
  }

  @Test
  void defaultsOverTheirCeilingsStopStartUpNamingBothKeys() {
    assertThatThrownBy(
            () -> load("DOCKHAND_BUDGET_USD", "30", "DOCKHAND_MAX_TASK_BUDGET_USD", "20"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("DOCKHAND_BUDGET_USD: is 30.00, over DOCKHAND_MAX_TASK_BUDGET_USD 20.00");
    assertThatThrownBy(() -> load("DOCKHAND_MAX_TURNS", "300"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("DOCKHAND_MAX_TURNS: is 300, over DOCKHAND_MAX_TASK_TURNS 200");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "DOCKHAND_MODELS|claude sonnet|DOCKHAND_MODELS: entries must be model ids (letters, digits, '.', '_', ':' or '-'), optionally ending in '*', got 'claude sonnet'",
        "DOCKHAND_MAX_TASK_BUDGET_USD|lots|DOCKHAND_MAX_TASK_BUDGET_USD: must be a number, got 'lots'",
        "DOCKHAND_MAX_TASK_BUDGET_USD|0|DOCKHAND_MAX_TASK_BUDGET_USD: must be between 0.01 and 100000.0, got 0.0",
        "DOCKHAND_MAX_TASK_TURNS|0|DOCKHAND_MAX_TASK_TURNS: must be between 1 and 10000, got 0",
        "DOCKHAND_USER_DAILY_BUDGET_USD|-5|DOCKHAND_USER_DAILY_BUDGET_USD: must be between 0.01 and 1000000.0, got -5.0",
        "DOCKHAND_USER_MONTHLY_BUDGET_USD|ten|DOCKHAND_USER_MONTHLY_BUDGET_USD: must be a number, got 'ten'",
        "DOCKHAND_MAX_MESSAGES_PER_TASK|many|DOCKHAND_MAX_MESSAGES_PER_TASK: must be a whole number, got 'many'",
        "DOCKHAND_MAX_STREAMS_PER_USER|0|DOCKHAND_MAX_STREAMS_PER_USER: must be between 1 and 100000, got 0",
        "DOCKHAND_MAX_STREAMS_PER_ADDRESS|x|DOCKHAND_MAX_STREAMS_PER_ADDRESS: must be a whole number, got 'x'",
      })
  void aBadCeilingIsOneLineNamingTheKey(String key, String value, String message) {
    assertThatThrownBy(() -> load(key, value))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }
}
