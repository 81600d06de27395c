package dev.dockhand.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.dockhand.agent.PriceTable.ModelPrice;
import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import dev.dockhand.events.Usage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriceTableTest {
  final PriceTable prices = PriceTable.defaults();

  @Test
  void aDatedModelIdIsPricedByItsFamily() {
    assertThat(prices.priceOf("claude-sonnet-4-5-20250929")).isEqualTo(ModelPrice.of(3, 15));
  }

  @Test
  void theLongestMatchingPrefixWins() {
    assertThat(prices.priceOf("claude-opus-4-5-20251101").input()).isEqualTo(5);
    assertThat(prices.priceOf("claude-opus-4-1-20250805").input()).isEqualTo(15);
  }

  @Test
  void anUnknownModelIsPricedAsTheDearestSoBudgetsStillStopIt() {
    assertThat(prices.priceOf("some-future-model")).isEqualTo(ModelPrice.of(15, 75));
  }

  @Test
  void cacheWritesCostAQuarterMoreAndCacheReadsATenthOfInput() {
    Usage usage = prices.usage("claude-sonnet-4-5", 1_000_000, 100_000, 2_000_000, 400_000);

    // 3.00 input + 1.50 output + 0.60 cache read + 1.50 cache write
    assertThat(usage.costUsd()).isCloseTo(6.60, within(1e-9));
    assertThat(usage.cacheReadTokens()).isEqualTo(2_000_000);
    assertThat(usage.cacheWriteTokens()).isEqualTo(400_000);
  }

  @Test
  void theDeploymentCanOverrideAndAddPrices() {
    AgentSettings settings =
        AgentSettings.from(
            new Env(
                Map.of("DOCKHAND_PRICES", "claude-sonnet-4-5=2/10, my-proxy-model=1/2/1.5/0.05")));

    assertThat(settings.prices().priceOf("claude-sonnet-4-5-20250929"))
        .isEqualTo(new ModelPrice(2, 10, 2.5, 0.2));
    assertThat(settings.prices().priceOf("my-proxy-model"))
        .isEqualTo(new ModelPrice(1, 2, 1.5, 0.05));
    assertThat(settings.prices().priceOf("claude-haiku-4-5")).isEqualTo(ModelPrice.of(1, 5));
  }

  @Test
  void aMalformedPriceStopsStartUpNamingTheKey() {
    assertThatThrownBy(
            () -> AgentSettings.from(new Env(Map.of("DOCKHAND_PRICES", "claude-sonnet-4-5=cheap"))))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.key()).isEqualTo("DOCKHAND_PRICES"))
        .hasMessageContaining("cheap");
  }
}
