package dev.dockhand.agent;

import dev.dockhand.config.ConfigException;
import dev.dockhand.events.Usage;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Model prices in US dollars per million tokens, looked up by the longest model-id prefix that
 * matches (so {@code claude-sonnet-4-5} prices {@code claude-sonnet-4-5-20250929}). A model no
 * entry matches is priced as the dearest known model, so a budget still stops it. Immutable and
 * thread-safe.
 */
public record PriceTable(Map<String, ModelPrice> byPrefix) {

  /**
   * One model's prices per million tokens. Cache writes (5-minute lifetime) cost 1.25× input and
   * cache reads 0.1× input unless an entry says otherwise.
   */
  public record ModelPrice(double input, double output, double cacheWrite, double cacheRead) {
    public static ModelPrice of(double input, double output) {
      return new ModelPrice(input, output, input * 1.25, input * 0.1);
    }
  }

  public static final PriceTable EMPTY = new PriceTable(Map.of());

  public PriceTable {
    byPrefix = Map.copyOf(byPrefix);
  }

  /** Published list prices of current Claude models. */
  public static PriceTable defaults() {
    Map<String, ModelPrice> prices = new LinkedHashMap<>();
    prices.put("claude-opus-4-5", ModelPrice.of(5, 25));
    prices.put("claude-opus-4", ModelPrice.of(15, 75));
    prices.put("claude-sonnet-4", ModelPrice.of(3, 15));
    prices.put("claude-3-7-sonnet", ModelPrice.of(3, 15));
    prices.put("claude-haiku-4", ModelPrice.of(1, 5));
    prices.put("claude-3-5-haiku", ModelPrice.of(0.8, 4));
    prices.put("claude-3-haiku", ModelPrice.of(0.25, 1.25));
    return new PriceTable(prices);
  }

  /**
   * Reads {@code model=in/out[/cacheWrite/cacheRead],...}; {@code key} names the setting in errors.
   */
  public static PriceTable parse(String key, String text) {
    Map<String, ModelPrice> prices = new LinkedHashMap<>();
    for (String entry : text.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] sides = entry.split("=", 2);
      if (sides.length != 2 || sides[0].isBlank()) {
        throw new ConfigException(
            key, "entries must look like model=in/out, got '" + entry.trim() + "'");
      }
      prices.put(sides[0].trim(), parsePrice(key, sides[1].trim()));
    }
    return new PriceTable(prices);
  }

  private static ModelPrice parsePrice(String key, String text) {
    String[] parts = text.split("/");
    try {
      double[] values = new double[parts.length];
      for (int i = 0; i < parts.length; i++) {
        values[i] = Double.parseDouble(parts[i].trim());
        if (!(values[i] >= 0 && values[i] < 1e6)) {
          throw new NumberFormatException();
        }
      }
      return switch (values.length) {
        case 2 -> ModelPrice.of(values[0], values[1]);
        case 4 -> new ModelPrice(values[0], values[1], values[2], values[3]);
        default -> throw new NumberFormatException();
      };
    } catch (NumberFormatException e) {
      throw new ConfigException(
          key,
          "prices must be in/out or in/out/cacheWrite/cacheRead in $ per million tokens, got '"
              + text
              + "'");
    }
  }

  /** This table with {@code overrides} added; an override replaces an entry of the same prefix. */
  public PriceTable with(PriceTable overrides) {
    Map<String, ModelPrice> merged = new LinkedHashMap<>(byPrefix);
    merged.putAll(overrides.byPrefix);
    return new PriceTable(merged);
  }

  public ModelPrice priceOf(String model) {
    return byPrefix.entrySet().stream()
        .filter(entry -> model.startsWith(entry.getKey()))
        .max(Comparator.comparingInt(entry -> entry.getKey().length()))
        .map(Map.Entry::getValue)
        .orElseGet(this::dearest);
  }

  private ModelPrice dearest() {
    return byPrefix.values().stream()
        .max(Comparator.comparingDouble(ModelPrice::output))
        .orElse(ModelPrice.of(15, 75));
  }

  /** The usage of these token counts, with its cost for {@code model}. */
  public Usage usage(String model, long input, long output, long cacheRead, long cacheWrite) {
    ModelPrice price = priceOf(model);
    double cost =
        (input * price.input()
                + output * price.output()
                + cacheRead * price.cacheRead()
                + cacheWrite * price.cacheWrite())
            / 1_000_000;
    return new Usage(input, output, cacheRead, cacheWrite, cost);
  }
}
