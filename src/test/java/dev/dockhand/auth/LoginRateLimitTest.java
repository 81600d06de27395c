package dev.dockhand.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.testkit.GitHubOAuthStandIn;
import dev.dockhand.web.WebHarness;
import dev.dockhand.web.WebLimits;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoginRateLimitTest {
  private GitHubOAuthStandIn github;
  private WebHarness harness;

  @BeforeEach
  void start() throws Exception {
    github = new GitHubOAuthStandIn("client-123", "secret-456");
    harness =
        WebHarness.start(
            github.signInEnv(
                Map.of(
                    "DOCKHAND_ALLOWED_USERS",
                    "octocat",
                    // The test plays a reverse proxy on loopback that names each caller.
                    "DOCKHAND_TRUSTED_PROXIES",
                    "127.0.0.1")),
            WebLimits.DEFAULTS);
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
    github.close();
  }

  @Test
  void oneAddressGetsTwentyLoginStartsAtOnceThenA429WithRetryAfterWhileOthersGoOn() {
    for (int i = 0; i < 20; i++) {
      assertThat(start("203.0.113.7", "application/json").statusCode()).isEqualTo(302);
    }
    HttpResponse<String> limited = start("203.0.113.7", "application/json");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(WebHarness.json(limited).get("error").get("code").asText())
        .isEqualTo("rate_limited");
    // 10 a minute: the next start is at most 6 seconds away.
    assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 6L);
    assertThat(limited.headers().allValues("Set-Cookie")).isEmpty();

    HttpResponse<String> page = start("203.0.113.7", "text/html");
    assertThat(page.statusCode()).isEqualTo(429);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.headers().firstValue("Retry-After")).isPresent();
    assertThat(page.body()).contains("Too many sign-in attempts");

    assertThat(start("203.0.113.8", "application/json").statusCode()).isEqualTo(302);
  }

  @Test
  void addressesInOneIpv6Slash64ShareABucket() {
    for (int i = 0; i < 20; i++) {
      assertThat(start("2001:db8:1:2::" + Integer.toHexString(i + 1), "*/*").statusCode())
          .isEqualTo(302);
    }
    assertThat(start("2001:db8:1:2::ffff", "*/*").statusCode()).isEqualTo(429);
    assertThat(start("2001:db8:1:3::1", "*/*").statusCode()).isEqualTo(302);
  }

  private HttpResponse<String> start(String client, String accept) {
    return harness.send(
        HttpRequest.newBuilder(harness.url("/auth/github/login"))
            .header("X-Forwarded-For", client)
            .header("Accept", accept)
            .build());
  }
}
