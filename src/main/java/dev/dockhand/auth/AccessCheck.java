package dev.dockhand.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.Json;
import dev.dockhand.config.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a GitHub account may use the server under {@link AccessRules}: the users list first
 * (local, no network), then each DOCKHAND_ALLOWED_ORGS entry asked of GitHub with the person's own
 * token ({@code GET /user/memberships/orgs/{org}}, {@code GET
 * /orgs/{org}/teams/{team}/memberships/{login}}; only {@code "state":"active"} counts). Used at
 * sign-in and for the periodic recheck. GitHub's answers cross a trust boundary here: bodies are
 * read up to a bound and only the {@code state} member is looked at. Thread-safe.
 */
final class AccessCheck {
  private static final Logger LOG = LoggerFactory.getLogger(AccessCheck.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_BODY_BYTES = 64 * 1024;

  /** What the rules and GitHub said. */
  enum Verdict {
    /** On DOCKHAND_ALLOWED_USERS, or DOCKHAND_ALLOW_ANY_GITHUB_USER is on; GitHub not asked. */
    LISTED,
    /** GitHub confirmed an active membership of an allowed organisation or team. */
    MEMBER,
    /** Not listed, and GitHub says the account is in none of the allowed organisations. */
    NOT_ALLOWED,
    /** GitHub answered 401 (revoked or expired token), or the token lacks {@code read:org}. */
    TOKEN_REFUSED,
    /** GitHub could not be asked (network, 5xx, rate limit) and no other rule let them in. */
    UNANSWERED
  }

  private enum Membership {
    ACTIVE,
    NONE,
    TOKEN_REFUSED,
    UNANSWERED
  }

  private final AccessRules rules;
  private final URI apiUrl;
  private final HttpClient http;

  AccessCheck(AccessRules rules, URI apiUrl) {
    this.rules = rules;
    this.apiUrl = apiUrl;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Whether some rule needs GitHub's answer (DOCKHAND_ALLOWED_ORGS is set). */
  boolean asksGitHub() {
    return !rules.allowedOrgs().isEmpty();
  }

  /** Decides for the account {@code login}, asking GitHub with {@code token} when needed. */
  Verdict check(String login, Secret token) {
    if (rules.allowsLogin(login)) {
      return Verdict.LISTED;
    }
    boolean unanswered = false;
    for (AccessRules.OrgRule rule : rules.allowedOrgs()) {
      switch (membership(rule, login, token)) {
        case ACTIVE -> {
          return Verdict.MEMBER;
        }
        case TOKEN_REFUSED -> {
          return Verdict.TOKEN_REFUSED;
        }
        case UNANSWERED -> unanswered = true;
        case NONE -> {}
      }
    }
    return unanswered ? Verdict.UNANSWERED : Verdict.NOT_ALLOWED;
  }

  private Membership membership(AccessRules.OrgRule rule, String login, Secret token) {
    String org = segment(rule.org());
    String path =
        rule.team()
            .map(
                team ->
                    "orgs/" + org + "/teams/" + segment(team) + "/memberships/" + segment(login))
            .orElse("user/memberships/orgs/" + org);
    HttpRequest request =
        HttpRequest.newBuilder(GitHubLogin.resolve(apiUrl, path))
            .timeout(TIMEOUT)
            .header("Accept", "application/vnd.github+json")
            .header("Authorization", "Bearer " + token.reveal())
            .header("X-GitHub-Api-Version", "2022-11-28")
            .GET()
            .build();
    try {
      HttpResponse<InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (InputStream in = response.body()) {
        body = in.readNBytes(MAX_BODY_BYTES);
      }
      return judge(rule, login, response, body);
    } catch (IOException e) {
      LOG.warn("GitHub could not be asked whether @{} is in {}: {}", login, rule, e.toString());
      return Membership.UNANSWERED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Membership.UNANSWERED;
    }
  }

  private static Membership judge(
      AccessRules.OrgRule rule, String login, HttpResponse<?> response, byte[] body)
      throws IOException {
    int status = response.statusCode();
    if (status == 200) {
      JsonNode json = Json.MAPPER.readTree(body);
      return "active".equals(json.path("state").asText()) ? Membership.ACTIVE : Membership.NONE;
    }
    if (status == 401) {
      return Membership.TOKEN_REFUSED;
    }
    boolean rateLimited =
        status == 429
            || (status == 403
                && response.headers().firstValue("X-RateLimit-Remaining").orElse("").equals("0"));
    if (rateLimited || status >= 500) {
      LOG.warn("GitHub answered HTTP {} when asked whether @{} is in {}", status, login, rule);
      return Membership.UNANSWERED;
    }
    if (lacksReadOrg(response)) {
      // A token from before read:org was asked for: only a new sign-in can grant it.
      return Membership.TOKEN_REFUSED;
    }
    // 404 (not a member, or a team they cannot see) and 403 (the organisation restricts this
    // OAuth app, or demands SSO) both mean GitHub does not vouch for them.
    if (status != 404 && status != 403) {
      LOG.warn("GitHub answered HTTP {} when asked whether @{} is in {}", status, login, rule);
    }
    return Membership.NONE;
  }

  /** GitHub lists an OAuth token's scopes in {@code X-OAuth-Scopes} on every answer. */
  private static boolean lacksReadOrg(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("X-OAuth-Scopes")
        .map(scopes -> List.of(scopes.split("\\s*,\\s*")))
        .map(
            scopes ->
                !scopes.contains("read:org")
                    && !scopes.contains("write:org")
                    && !scopes.contains("admin:org"))
        .orElse(false);
  }

  private static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
