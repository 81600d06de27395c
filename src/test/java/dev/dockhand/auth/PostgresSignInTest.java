package dev.dockhand.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.store.TestDatabases;
import dev.dockhand.testkit.GitHubOAuthStandIn;
import dev.dockhand.testkit.GitHubOAuthStandIn.Account;
import dev.dockhand.web.WebHarness;
import dev.dockhand.web.WebLimits;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The allowlist's sign-in, browser binding and recheck on PostgreSQL's schema. */
@Tag("postgres")
class PostgresSignInTest {
  private static final String PUBLIC_URL = "https://dockhand.example";

  private GitHubOAuthStandIn github;
  private WebHarness harness;

  @BeforeEach
  void start() throws Exception {
    github = new GitHubOAuthStandIn("client-123", "secret-456");
    harness =
        WebHarness.start(
            github.signInEnv(
                Map.of(
                    "DOCKHAND_DB_URL",
                    TestDatabases.freshPostgresUrl(),
                    "DOCKHAND_PUBLIC_URL",
                    PUBLIC_URL,
                    "DOCKHAND_ALLOWED_USERS",
                    "octocat",
                    "DOCKHAND_ALLOWED_ORGS",
                    "acme")),
            WebLimits.DEFAULTS);
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
    github.close();
  }

  @Test
  void listedAndMemberUsersGetInAStrangerDoesNotAndARemovedMemberIsRefusedAtTheRecheck() {
    SignInBrowser octocat = new SignInBrowser(harness, PUBLIC_URL);
    assertThat(octocat.signIn().statusCode()).isEqualTo(302);
    assertThat(octocat.api("/api/v1/me").statusCode()).isEqualTo(200);

    github.signInAs(new Account(8001, "mallory", "Mallory"));
    assertThat(new SignInBrowser(harness, PUBLIC_URL).signIn().statusCode()).isEqualTo(403);
    assertThat(count("SELECT COUNT(*) FROM users WHERE github_id = 8001")).isZero();

    github.addOrgMember("acme", "alice");
    github.signInAs(new Account(8002, "alice", "Alice"));
    SignInBrowser alice = new SignInBrowser(harness, PUBLIC_URL);
    assertThat(alice.signIn().statusCode()).isEqualTo(302);
    assertThat(count("SELECT COUNT(*) FROM users WHERE access_checked_at IS NOT NULL")).isOne();

    github.removeOrgMember("acme", "alice");
    harness
        .database()
        .write(
            handle ->
                handle
                    .createUpdate(
                        "UPDATE users SET access_checked_at = access_checked_at - 7200000"
                            + " WHERE github_id = 8002")
                    .execute());
    assertThat(alice.api("/api/v1/me").statusCode()).isEqualTo(401);
    assertThat(
            count("SELECT COUNT(*) FROM users WHERE github_id = 8002 AND github_token_enc IS NULL"))
        .isOne();
  }

  private int count(String sql) {
    return harness
        .database()
        .jdbi()
        .withHandle(handle -> handle.createQuery(sql).mapTo(Integer.class).one());
  }
}
