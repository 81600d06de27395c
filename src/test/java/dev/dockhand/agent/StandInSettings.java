package dev.dockhand.agent;

import dev.dockhand.config.Env;
import dev.dockhand.testkit.AnthropicStandIn;
import java.util.HashMap;
import java.util.Map;

/** Agent settings pointing at a stand-in, with quick retries so failure tests stay fast. */
final class StandInSettings {
  private StandInSettings() {}

  static AgentSettings of(AnthropicStandIn standIn, String apiKey, String... overrides) {
    Map<String, String> values = new HashMap<>();
    values.put("ANTHROPIC_API_KEY", apiKey);
    values.put("ANTHROPIC_BASE_URL", standIn.baseUrl().toString());
    values.put("DOCKHAND_MODEL_TURN_BACKOFF", "10ms");
    values.put("DOCKHAND_MODEL_TIMEOUT", "30s");
    for (int i = 0; i + 1 < overrides.length; i += 2) {
      values.put(overrides[i], overrides[i + 1]);
    }
    return AgentSettings.from(new Env(values));
  }
}
