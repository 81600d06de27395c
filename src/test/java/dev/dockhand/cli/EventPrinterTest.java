package dev.dockhand.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How `dockhand watch` shows events that need no running task to produce. */
class EventPrinterTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final EventPrinter printer =
      new EventPrinter(new PrintStream(out, true, StandardCharsets.UTF_8), false);

  private String printed() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private static JsonNode json(Object value) {
    return Json.MAPPER.valueToTree(value);
  }

  @Test
  void aBlockedHostIsOneLineSayingHowOftenAndHowToAllowIt() {
    printer.event(
        "network.blocked", json(Map.of("host", "evil.example.com", "port", 443, "count", 3)));
    printer.event("network.blocked", json(Map.of("host", "::1", "port", 8080, "count", 1)));
    assertThat(printed().lines())
        .containsExactly(
            "⊘ blocked: evil.example.com:443 (3 attempts) — allow it with --egress-allow or"
                + " DOCKHAND_EGRESS_ALLOW",
            "⊘ blocked: [::1]:8080 (1 attempt) — allow it with --egress-allow or"
                + " DOCKHAND_EGRESS_ALLOW");
  }

  @Test
  void aBlockedHostCannotSendEscapeSequencesToTheTerminal() {
    printer.event(
        "network.blocked",
        json(Map.of("host", "a\u001b[2J\u001b]0;owned\u0007.example.com", "port", 80, "count", 2)));
    assertThat(printed())
        .doesNotContain("\u001b", "\u0007")
        .contains("a?[2J?]0;owned?.example.com");
  }

  @Test
  void theSummaryNamesTheHostsTheTaskAdded() {
    printer.summary(
        json(
            Map.of(
                "id", "t1",
                "status", "succeeded",
                "egressAllow", java.util.List.of("registry.example.com", "*.example.org"))));
    assertThat(printed()).contains("  extra hosts registry.example.com, *.example.org");
  }
}
