package dev.dockhand.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import dev.dockhand.config.Secret;
import dev.dockhand.github.GitHubClient;
import dev.dockhand.github.GitHubResponse;
import dev.dockhand.github.GitHubUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;

/**
 * GitHub's OAuth web flow (authorization code with state and PKCE S256) against {@code GITHUB_URL}
 * and {@code GITHUB_API_URL}, so GitHub Enterprise works the same. The state is bound to the
 * browser that began the login by a nonce the caller keeps in a cookie; only its hash is stored. A
 * login completes only for someone the allowlist lets in. Thread-safe.
 */
public final class GitHubLogin {
  /** {@code repo}: clone, push and open pull requests on the user's behalf. */
  static final Scope SCOPE = new Scope("repo", "read:user");

  /** With DOCKHAND_ALLOWED_ORGS, also {@code read:org}: GitHub's membership answers need it. */
  static final Scope SCOPE_WITH_ORGS = new Scope("repo", "read:user", "read:org");

  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final ClientID clientId;
  private final Secret clientSecret;
  private final URI githubUrl;
  private final OAuthStates states;
  private final AccessCheck access;
  private final Scope scope;
  private final GitHubClient github;

  GitHubLogin(
      String clientId,
      Secret clientSecret,
      URI githubUrl,
      URI apiUrl,
      OAuthStates states,
      AccessCheck access) {
    this.clientId = new ClientID(clientId);
    this.clientSecret = clientSecret;
    this.githubUrl = githubUrl;
    this.states = states;
    this.access = access;
    this.scope = access.asksGitHub() ? SCOPE_WITH_ORGS : SCOPE;
    this.github = GitHubClient.create(apiUrl, TIMEOUT);
  }

  /** Where to send the browser, and the nonce to keep in its login cookie until the callback. */
  public record Start(URI authorizeUrl, String browserNonce) {}

  /** Starts a login: remembers a fresh state, verifier and browser nonce. */
  public Start begin(URI callback) {
    State state = new State();
    CodeVerifier verifier = new CodeVerifier();
    String nonce = OpaqueTokens.generate("");
    states.save(state.getValue(), verifier.getValue(), OpaqueTokens.hash(nonce));
    URI authorize =
        new AuthorizationRequest.Builder(new ResponseType(ResponseType.Value.CODE), clientId)
            .endpointURI(GitHubClient.resolve(githubUrl, "login/oauth/authorize"))
            .redirectionURI(callback)
            .scope(scope)
            .state(state)
            .codeChallenge(verifier, CodeChallengeMethod.S256)
            .build()
            .toURI();
    return new Start(authorize, nonce);
  }

  /**
   * Finishes a login: spends the state, checks it was begun by this browser (whose login cookie
   * holds {@code browserNonce}), exchanges the code, asks GitHub who this is, and checks the
   * allowlist. Throws {@link NotAllowedException} for someone it does not let in.
   */
  public Result complete(String code, String state, Optional<String> browserNonce, URI callback) {
    OAuthStates.Pending pending =
        states
            .consume(state)
            .orElseThrow(
                () ->
                    new LoginFailedException("the login state is unknown, used or expired", false));
    if (!sameBrowser(pending, browserNonce)) {
      throw new LoginFailedException(
          "this sign-in was not started in this browser (or the browser dropped its login"
              + " cookie); start it again here",
          false);
    }
    if (code == null || code.isBlank() || code.length() > 500) {
      throw new LoginFailedException("GitHub sent no authorization code", false);
    }
    Secret token = exchange(code, new CodeVerifier(pending.codeVerifier()), callback);
    GitHubUser user = fetchUser(token);
    return switch (access.check(user.login(), token)) {
      case LISTED -> new Result(user, token, false);
      case MEMBER -> new Result(user, token, true);
      case NOT_ALLOWED -> throw new NotAllowedException(user.login());
      case TOKEN_REFUSED ->
          throw new LoginFailedException("GitHub refused the token it just issued", true);
      case UNANSWERED ->
          throw new LoginFailedException(
              "GitHub did not answer whether you are in an allowed organisation; try again", true);
    };
  }

  private static boolean sameBrowser(OAuthStates.Pending pending, Optional<String> browserNonce) {
    if (pending.browserHash() == null || browserNonce.isEmpty()) {
      return false;
    }
    String presented = OpaqueTokens.hash(browserNonce.get());
    return MessageDigest.isEqual(
        presented.getBytes(StandardCharsets.US_ASCII),
        pending.browserHash().getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Who signed in, the GitHub token to act for them, and whether GitHub has just confirmed their
   * membership of an allowed organisation or team (false when the users list let them in).
   */
  public record Result(GitHubUser user, Secret token, boolean membershipConfirmed) {}

  private Secret exchange(String code, CodeVerifier verifier, URI callback) {
    TokenRequest request =
        new TokenRequest.Builder(
                GitHubClient.resolve(githubUrl, "login/oauth/access_token"),
                new ClientSecretPost(
                    clientId, new com.nimbusds.oauth2.sdk.auth.Secret(clientSecret.reveal())),
                new AuthorizationCodeGrant(new AuthorizationCode(code), callback, verifier))
            .build();
    HTTPRequest httpRequest = request.toHTTPRequest();
    // GitHub answers form-encoded unless asked for JSON.
    httpRequest.setAccept("application/json");
    httpRequest.setConnectTimeout((int) TIMEOUT.toMillis());
    httpRequest.setReadTimeout((int) TIMEOUT.toMillis());
    try {
      HTTPResponse response = httpRequest.send();
      if (!response.indicatesSuccess()) {
        throw new LoginFailedException(
            "GitHub refused the code (HTTP " + response.getStatusCode() + ")", false);
      }
      var json = response.getBodyAsJSONObject();
      // GitHub reports a bad code with 200 and an "error" member.
      if (json.containsKey("error")) {
        String error = TokenErrorResponse.parse(json).getErrorObject().getCode();
        throw new LoginFailedException("GitHub refused the code: " + error, false);
      }
      return new Secret(AccessTokenResponse.parse(json).getTokens().getAccessToken().getValue());
    } catch (IOException e) {
      throw new LoginFailedException("GitHub could not be reached; try again", true);
    } catch (ParseException e) {
      throw new LoginFailedException("GitHub's token response was not understood", true);
    }
  }

  private GitHubUser fetchUser(Secret token) {
    GitHubResponse answer;
    try {
      answer = github.get("user", token);
    } catch (GitHubUnavailableException e) {
      throw new LoginFailedException("GitHub could not be reached; try again", true);
    }
    if (answer.status() != 200) {
      throw new LoginFailedException(
          "GitHub did not say who signed in (HTTP " + answer.status() + ")", true);
    }
    JsonNode body = answer.json().orElse(MissingNode.getInstance());
    if (!body.path("id").canConvertToLong() || !body.path("login").isTextual()) {
      throw new LoginFailedException("GitHub's user response was not understood", true);
    }
    return new GitHubUser(
        body.get("id").asLong(),
        body.get("login").asText(),
        text(body, "name"),
        text(body, "avatar_url"));
  }

  private static Optional<String> text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
  }
}
