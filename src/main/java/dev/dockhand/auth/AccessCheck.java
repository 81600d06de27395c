package dev.dockhand.auth;

import dev.dockhand.config.Secret;
import dev.dockhand.github.GitHubClient;
import dev.dockhand.github.GitHubResponse;
import dev.dockhand.github.GitHubUnavailableException;
import java.net.URI;
import java.net.URLEncoder;
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
 * sign-in and for the periodic recheck, through the {@link GitHubClient}; of GitHub's answers only
 * the {@code state} member and the token's scopes are looked at. Thread-safe.
 */
final class AccessCheck {
  private static final Logger LOG = LoggerFactory.getLogger(AccessCheck.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

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
  private final GitHubClient github;

  AccessCheck(AccessRules rules, URI apiUrl) {
    this.rules = rules;
    this.github = GitHubClient.create(apiUrl, TIMEOUT);
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
    try {
      return judge(rule, login, github.get(path, token));
    } catch (GitHubUnavailableException e) {
      LOG.warn("GitHub could not be asked whether @{} is in {}: {}", login, rule, e.getMessage());
      return Membership.UNANSWERED;
    }
  }

  private static Membership judge(AccessRules.OrgRule rule, String login, GitHubResponse answer) {
    return switch (answer.outcome()) {
      case OK ->
          answer
              .json()
              .map(json -> "active".equals(json.path("state").asText()))
              .map(active -> active ? Membership.ACTIVE : Membership.NONE)
              .orElseGet(() -> unanswered(rule, login, answer));
      case UNAUTHORIZED -> Membership.TOKEN_REFUSED;
      case RATE_LIMITED, UNAVAILABLE -> unanswered(rule, login, answer);
      case FORBIDDEN, NOT_FOUND, REJECTED -> notVouched(rule, login, answer);
    };
  }

  private static Membership notVouched(
      AccessRules.OrgRule rule, String login, GitHubResponse answer) {
    if (lacksReadOrg(answer)) {
      // A token from before read:org was asked for: only a new sign-in can grant it.
      return Membership.TOKEN_REFUSED;
    }
    // 404 (not a member, or a team they cannot see) and 403 (the organisation restricts this
    // OAuth app, or demands SSO) both mean GitHub does not vouch for them.
    if (answer.outcome() == GitHubResponse.Outcome.REJECTED) {
      LOG.warn(
          "GitHub answered HTTP {} when asked whether @{} is in {}", answer.status(), login, rule);
    }
    return Membership.NONE;
  }

  private static Membership unanswered(
      AccessRules.OrgRule rule, String login, GitHubResponse answer) {
    LOG.warn(
        "GitHub answered HTTP {} when asked whether @{} is in {}", answer.status(), login, rule);
    return Membership.UNANSWERED;
  }

  /** GitHub lists an OAuth token's scopes in {@code X-OAuth-Scopes} on every answer. */
  private static boolean lacksReadOrg(GitHubResponse answer) {
    return answer
        .header("X-OAuth-Scopes")
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
