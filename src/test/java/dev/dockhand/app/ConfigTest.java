package dev.dockhand.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.config.ConfigException;
import dev.dockhand.web.WebLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigTest {
  @TempDir Path dir;

  @Test
  void theDefaultsDescribeALocalSqliteServerOnLoopback() {
    Config config = Config.load(Map.of("DOCKHAND_DATA_DIR", dir.toString()));
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.dbUrl()).isEqualTo("jdbc:sqlite:" + dir.resolve("dockhand.db"));
    assertThat(config.postgres()).isFalse();
    assertThat(config.auth().localMode()).isTrue();
    assertThat(config.queue().maxAttempts()).isEqualTo(3);
    assertThat(config.git().allowedHosts()).containsExactly("github.com");
    assertThat(config.git().allowHttp()).isFalse();
    assertThat(config.web()).isEqualTo(WebLimits.DEFAULTS);
    assertThat(config.env().setupTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(config.env().checksTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.env().checksRounds()).isEqualTo(2);
  }

  @Test
  void theWebLimitsAreKeysInKibibytesAndDurations() {
    Map<String, String> env = new HashMap<>(Map.of("DOCKHAND_DATA_DIR", dir.toString()));
    env.putAll(
        Map.of(
            "DOCKHAND_MAX_BODY_KB", "512",
            "DOCKHAND_MAX_PROMPT_CHARS", "2000",
            "DOCKHAND_WS_MAX_MESSAGE_KB", "8",
            "DOCKHAND_WS_MESSAGES_PER_SECOND", "2",
            "DOCKHAND_WS_MESSAGE_BURST", "4",
            "DOCKHAND_OUTBOUND_MAX_FRAMES", "64",
            "DOCKHAND_OUTBOUND_MAX_KB", "256",
            "DOCKHAND_SLOW_CLIENT_GRACE", "2s",
            "DOCKHAND_PING_INTERVAL", "100ms",
            "DOCKHAND_WS_MAX_SUBSCRIPTIONS", "3"));
    assertThat(Config.load(env).web())
        .isEqualTo(
            new WebLimits(
                512 * 1024,
                2000,
                8 * 1024,
                2,
                4,
                64,
                256 * 1024,
                Duration.ofSeconds(2),
                Duration.ofMillis(100),
                3));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "DOCKHAND_PORT|http|DOCKHAND_PORT: must be a whole number, got 'http'",
        "DOCKHAND_PORT|70000|DOCKHAND_PORT: must be between 0 and 65535, got 70000",
        "DOCKHAND_DB_URL|mysql://x|DOCKHAND_DB_URL: must start with jdbc:sqlite: or jdbc:postgresql:, got 'mysql://x'",
        "DOCKHAND_LEASE|5s|DOCKHAND_LEASE: must be at least twice DOCKHAND_HEARTBEAT (PT10S), got PT5S",
        "DOCKHAND_HEARTBEAT|soon|DOCKHAND_HEARTBEAT: must be a duration such as 500ms, 30s, 5m or 2h, got 'soon'",
        "DOCKHAND_ALLOW_HTTP_GIT|maybe|DOCKHAND_ALLOW_HTTP_GIT: must be true or false, got 'maybe'",
        "GITHUB_API_URL|ftp://x|GITHUB_API_URL: must be an absolute http(s) URL, got 'ftp://x'",
        "GITHUB_CLIENT_ID|abc|GITHUB_CLIENT_SECRET: is required when the other GitHub OAuth key is set",
        "DOCKHAND_ALLOWED_USERS|bad login!|DOCKHAND_ALLOWED_USERS: 'bad login!' is not a GitHub login",
        "DOCKHAND_ALLOWED_ORGS|acme/core/x|DOCKHAND_ALLOWED_ORGS: 'acme/core/x' is not an organisation or org/team-slug",
        "DOCKHAND_MEMBERSHIP_RECHECK|10s|DOCKHAND_MEMBERSHIP_RECHECK: must be between PT1M and PT720H, got 10s",
        "DOCKHAND_NODE_ID|a b|DOCKHAND_NODE_ID: must be 1-63 letters, digits, '.', '_' or '-', got 'a b'",
        "DOCKHAND_MAX_BODY_KB|0|DOCKHAND_MAX_BODY_KB: must be between 1 and 1048576, got 0",
        "DOCKHAND_MAX_PROMPT_CHARS|lots|DOCKHAND_MAX_PROMPT_CHARS: must be a whole number, got 'lots'",
        "DOCKHAND_OUTBOUND_MAX_KB|-1|DOCKHAND_OUTBOUND_MAX_KB: must be between 1 and 4194304, got -1",
        "DOCKHAND_PING_INTERVAL|1ms|DOCKHAND_PING_INTERVAL: must be between PT0.1S and PT10M, got 1ms",
        "DOCKHAND_SETUP_TIMEOUT|7h|DOCKHAND_SETUP_TIMEOUT: must be between PT10S and PT6H, got 7h",
        "DOCKHAND_CHECKS_TIMEOUT|1s|DOCKHAND_CHECKS_TIMEOUT: must be between PT10S and PT6H, got 1s",
        "DOCKHAND_CHECKS_ROUNDS|11|DOCKHAND_CHECKS_ROUNDS: must be between 0 and 10, got 11",
      })
  void aBadValueIsOneMessageNamingTheKey(String key, String value, String message) {
    assertThatThrownBy(() -> Config.load(Map.of("DOCKHAND_DATA_DIR", dir.toString(), key, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @Test
  void theGitHubAppInLocalModeNeedsSomeoneOnTheListsAndIsOffWithoutItsKeys() {
    assertThat(Config.load(Map.of("DOCKHAND_DATA_DIR", dir.toString())).githubApp()).isEmpty();
    Map<String, String> app = new java.util.HashMap<>();
    app.put("DOCKHAND_DATA_DIR", dir.toString());
    try (dev.dockhand.testkit.GitHubStandIn github = dev.dockhand.testkit.GitHubStandIn.start()) {
      app.putAll(github.installApp("dockhand-bot").environment(dir));
    }
    assertThatThrownBy(() -> Config.load(app))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("DOCKHAND_ALLOWED_USERS")
        .hasMessageNotContaining("\n");
    app.put("DOCKHAND_ALLOWED_USERS", "alice");
    app.put("DOCKHAND_CI_FIX_ROUNDS", "3");
    Config config = Config.load(app);
    assertThat(config.githubApp())
        .hasValueSatisfying(
            settings -> {
              assertThat(settings.slug()).isEqualTo("dockhand-bot");
              assertThat(settings.ciFixRounds()).isEqualTo(3);
              assertThat(settings.replyToStrangers()).isFalse();
            });
    app.put("DOCKHAND_CI_FIX_ROUNDS", "99");
    assertThatThrownBy(() -> Config.load(app)).hasMessageContaining("DOCKHAND_CI_FIX_ROUNDS");
  }

  @Test
  void gitHubSignInWithNobodyAllowedStopsStartUpNamingBothLists() {
    Map<String, String> github =
        Map.of(
            "DOCKHAND_DATA_DIR", dir.toString(),
            "GITHUB_CLIENT_ID", "id",
            "GITHUB_CLIENT_SECRET", "secret");
    assertThatThrownBy(() -> Config.load(github))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("DOCKHAND_ALLOWED_USERS")
        .hasMessageContaining("DOCKHAND_ALLOWED_ORGS")
        .hasMessageContaining("DOCKHAND_ALLOW_ANY_GITHUB_USER=true")
        .hasMessageNotContaining("\n");
    Map<String, String> withOrg = new java.util.HashMap<>(github);
    withOrg.put("DOCKHAND_ALLOWED_ORGS", "Acme, acme/Core-Team");
    withOrg.put("DOCKHAND_ADMINS", "@Octocat");
    Config config = Config.load(withOrg);
    assertThat(config.auth().access().allowedOrgs())
        .extracting(Object::toString)
        .containsExactly("acme", "acme/core-team");
    assertThat(config.auth().access().isAdmin("OCTOCAT")).isTrue();
    assertThat(config.auth().access().allowsLogin("octocat")).isFalse();
    Map<String, String> anyone = new java.util.HashMap<>(github);
    anyone.put("DOCKHAND_ALLOW_ANY_GITHUB_USER", "true");
    assertThat(Config.load(anyone).auth().access().allowsLogin("stranger")).isTrue();
  }

  @Test
  void aFileSuppliesKeysAndTheEnvironmentWins() throws IOException {
    Path file = dir.resolve("dockhand.conf");
    Files.writeString(file, "DOCKHAND_PORT=9000\nDOCKHAND_MAX_ATTEMPTS=5\n");
    Config config =
        Config.load(
            Map.of(
                "DOCKHAND_CONFIG_FILE", file.toString(),
                "DOCKHAND_PORT", "9100",
                "DOCKHAND_DATA_DIR", dir.toString()));
    assertThat(config.port()).isEqualTo(9100);
    assertThat(config.queue().maxAttempts()).isEqualTo(5);
    assertThat(config.queue().lease()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void secretsDoNotPrintThemselves() {
    Config config =
        Config.load(
            Map.of(
                "DOCKHAND_DATA_DIR", dir.toString(), "ANTHROPIC_API_KEY", "sk-ant-secret-value"));
    assertThat(config.toString()).doesNotContain("sk-ant-secret-value").contains("[redacted]");
  }

  @Test
  void serveWithABadValueStopsWithOneLineNamingTheKeyAndNoStackTrace() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
                java, "-cp", System.getProperty("java.class.path"), "dev.dockhand.Main", "serve")
            .redirectErrorStream(true);
    builder.environment().put("DOCKHAND_DATA_DIR", dir.toString());
    builder.environment().put("DOCKHAND_SANDBOX_PIDS", "lots");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    List<String> lines =
        output.lines().filter(line -> !line.startsWith("WARNING:") && !line.isBlank()).toList();
    assertThat(lines)
        .containsExactly("dockhand: DOCKHAND_SANDBOX_PIDS: must be a whole number, got 'lots'");
  }
}
