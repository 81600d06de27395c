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

  @Test
  void checksOutputIsDimmedAndTheirResultIsOneLine() {
    EventPrinter coloured =
        new EventPrinter(new PrintStream(out, true, StandardCharsets.UTF_8), true);
    coloured.delta("checks", "$ npm test\n");
    coloured.delta("checks", "Tests: 2 failed, 10 passed, 12 total\n");
    coloured.event(
        "checks.finished",
        json(
            Map.of(
                "command",
                "npm test",
                "exitCode",
                1,
                "passed",
                10,
                "failed",
                2,
                "durationMs",
                4200,
                "round",
                1)));

    assertThat(printed())
        .startsWith("\u001b[2m$ npm test\n\u001b[0m")
        .contains("\u001b[31m✘ checks failed\u001b[0m: npm test (exit 1) (2 failed, 10 passed)");
  }

  @Test
  void checksThatPassedOrTimedOutAndTheSummarysChecksLine() {
    printer.event(
        "checks.finished",
        json(
            Map.of("command", "make\u001b[2J test", "exitCode", 0, "durationMs", 900, "round", 2)));
    printer.event(
        "checks.finished",
        json(Map.of("command", "go test ./...", "exitCode", -1, "durationMs", 600000, "round", 3)));
    printer.summary(
        json(
            Map.of(
                "id", "t1",
                "status", "succeeded",
                "checks",
                    Map.of(
                        "command",
                        "npm test",
                        "exitCode",
                        0,
                        "passed",
                        12,
                        "durationMs",
                        1500,
                        "round",
                        2))));

    assertThat(printed().lines())
        .contains(
            "✔ checks passed: make?[2J test in 900ms, round 2",
            "✘ checks failed: go test ./... (timed out) in 600.0s, round 3",
            "  ✔ checks passed: npm test (12 passed) in 1.5s, round 2");
  }
}
