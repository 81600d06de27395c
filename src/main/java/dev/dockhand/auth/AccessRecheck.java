package dev.dockhand.auth;

import dev.dockhand.DockhandException;
import dev.dockhand.config.Secret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, each time a GitHub user's session or token is used, that the allowlist still lets them
 * in. The users list is local configuration, so it is looked at on every use. An organisation or
 * team membership is asked of GitHub again once the last confirmation ({@code
 * users.access_checked_at}) is older than DOCKHAND_MEMBERSHIP_RECHECK, one check per user at a
 * time: concurrent requests wait for it and share its answer.
 *
 * <p>Refused (not listed and no longer a member, or GitHub no longer accepts their token): the
 * stored GitHub token is dropped, so they stay out until they sign in again and pass. GitHub not
 * answering (network, 5xx, rate limit): access is kept, with a warning in the log, while the last
 * confirmation is younger than twice the recheck interval, and refused (503) after that; GitHub is
 * asked again at most once a minute per user meanwhile. The local user is never rechecked.
 * Thread-safe.
 */
final class AccessRecheck {
  private static final Logger LOG = LoggerFactory.getLogger(AccessRecheck.class);
  static final Duration OUTAGE_RETRY = Duration.ofMinutes(1);

  private final AccessRules rules;
  private final AccessCheck check;
  private final Users users;
  private final Clock clock;
  private final ConcurrentHashMap<Long, CompletableFuture<AccessCheck.Verdict>> inFlight =
      new ConcurrentHashMap<>();
  // After GitHub failed to answer for a user: when to ask again.
  private final ConcurrentHashMap<Long, Long> quietUntil = new ConcurrentHashMap<>();

  AccessRecheck(AccessRules rules, AccessCheck check, Users users, Clock clock) {
    this.rules = rules;
    this.check = check;
    this.users = users;
    this.clock = clock;
  }

  /** Returns if the user may go on; else throws {@link AccessRevokedException}. */
  void confirm(User user) {
    if (user.local()) {
      return;
    }
    Users.AccessState state = users.accessState(user.id()).orElseThrow();
    // Without a token (dropped when access ended, or never given: someone who only asked through
    // the GitHub App), only a fresh pass of the allowlist lets them on.
    if (!state.hasGitToken() && !fresh(state, clock.millis())) {
      throw AccessRevokedException.signInAgain("your access to this server has ended");
    }
    if (rules.allowsLogin(user.login())) {
      return;
    }
    if (rules.allowedOrgs().isEmpty()) {
      users.accessEnded(user.id());
      throw refusal(user, AccessCheck.Verdict.NOT_ALLOWED);
    }
    if (fresh(state, clock.millis())) {
      return;
    }
    switch (verdict(user)) {
      case LISTED, MEMBER -> {}
      case NOT_ALLOWED -> throw refusal(user, AccessCheck.Verdict.NOT_ALLOWED);
      case TOKEN_REFUSED -> throw refusal(user, AccessCheck.Verdict.TOKEN_REFUSED);
      case UNANSWERED -> {
        if (clock.millis() >= graceEnds(state)) {
          throw AccessRevokedException.unconfirmed();
        }
      }
    }
  }

  private boolean fresh(Users.AccessState state, long now) {
    return state.membershipCheckedAt().filter(at -> now - at < interval()).isPresent();
  }

  /** While GitHub does not answer, access lasts twice the interval after the last confirmation. */
  private long graceEnds(Users.AccessState state) {
    return state.membershipCheckedAt().map(at -> at + 2 * interval()).orElse(Long.MIN_VALUE);
  }

  /** GitHub's verdict, asked by one request at a time per user; the others wait and share it. */
  private AccessCheck.Verdict verdict(User user) {
    CompletableFuture<AccessCheck.Verdict> mine = new CompletableFuture<>();
    CompletableFuture<AccessCheck.Verdict> running = inFlight.putIfAbsent(user.id(), mine);
    if (running != null) {
      try {
        return running.join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException cause ? cause : e;
      }
    }
    try {
      AccessCheck.Verdict verdict = ask(user);
      mine.complete(verdict);
      return verdict;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(user.id(), mine);
    }
  }

  /** Asks GitHub and records the answer: a fresh confirmation, or the end of their access. */
  private AccessCheck.Verdict ask(User user) {
    long now = clock.millis();
    // Read again: a check that just finished may have settled it.
    Users.AccessState state = users.accessState(user.id()).orElseThrow();
    if (!state.hasGitToken()) {
      return AccessCheck.Verdict.TOKEN_REFUSED;
    }
    if (fresh(state, now)) {
      return AccessCheck.Verdict.MEMBER;
    }
    if (quietUntil.getOrDefault(user.id(), Long.MIN_VALUE) > now) {
      return AccessCheck.Verdict.UNANSWERED;
    }
    AccessCheck.Verdict verdict =
        storedToken(user)
            .map(token -> check.check(user.login(), token))
            .orElse(AccessCheck.Verdict.TOKEN_REFUSED);
    switch (verdict) {
      case LISTED, MEMBER -> {
        users.membershipConfirmed(user.id(), now);
        quietUntil.remove(user.id());
      }
      case NOT_ALLOWED, TOKEN_REFUSED -> {
        users.accessEnded(user.id());
        quietUntil.remove(user.id());
        LOG.info(
            "user {} (@{}) no longer passes the sign-in allowlist ({}); their GitHub token is"
                + " dropped until they sign in again",
            user.id(),
            user.login(),
            verdict);
      }
      case UNANSWERED -> {
        quietUntil.put(user.id(), now + OUTAGE_RETRY.toMillis());
        long graceEnds = graceEnds(state);
        if (now < graceEnds) {
          LOG.warn(
              "GitHub did not answer the membership check of user {} (@{}); keeping their access"
                  + " until {} at the latest",
              user.id(),
              user.login(),
              Instant.ofEpochMilli(graceEnds));
        } else {
          LOG.warn(
              "GitHub did not answer the membership check of user {} (@{}) and the last"
                  + " confirmation is too old; refusing their requests until it answers",
              user.id(),
              user.login());
        }
      }
    }
    return verdict;
  }

  private Optional<Secret> storedToken(User user) {
    try {
      return users.gitToken(user.id());
    } catch (DockhandException unreadable) {
      // The secret key changed: a new sign-in stores a token that can be read.
      return Optional.empty();
    }
  }

  private AccessRevokedException refusal(User user, AccessCheck.Verdict verdict) {
    if (verdict == AccessCheck.Verdict.TOKEN_REFUSED) {
      return AccessRevokedException.signInAgain(
          "the GitHub token from your last sign-in was revoked, has expired or cannot read"
              + " organisation membership");
    }
    return AccessRevokedException.signInAgain(
        "your GitHub account @"
            + user.login()
            + " is no longer allowed on this server (it is not on DOCKHAND_ALLOWED_USERS"
            + (rules.allowedOrgs().isEmpty()
                ? ""
                : " nor an active member of an organisation or team on DOCKHAND_ALLOWED_ORGS")
            + ")");
  }

  private long interval() {
    return rules.membershipRecheck().toMillis();
  }
}
