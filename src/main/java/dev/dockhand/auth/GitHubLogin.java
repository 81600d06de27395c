package dev.dockhand.auth;

import com.fasterxml.jackson.databind.JsonNode;
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
import dev.dockhand.Json;
import dev.dockhand.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * GitHub's OAuth web flow (authorization code with state and PKCE S256) against {@code
 * GITHUB_URL} and {@code GITHUB_API_URL}, so GitHub Enterprise works the same. Thread-safe.
 */
public final class GitHubLogin {
  /** {@code repo}: clone, push and open pull requests on the user's behalf. */
  static final Scope SCOPE = new Scope("repo", "read:user");
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final ClientID clientId;
  private final Secret clientSecret;
  private final URI githubUrl;
  private final URI apiUrl;
  private final OAuthStates states;
  private final HttpClient http;

  GitHubLogin(
      String clientId, Secret clientSecret, URI githubUrl, URI apiUrl, OAuthStates states) {
    this.clientId = new ClientID(clientId);
    this.clientSecret = clientSecret;
    this.githubUrl = githubUrl;
    this.apiUrl = apiUrl;
    this.states = states;
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  /** Starts a login: remembers a fresh state and verifier, returns where to send the browser. */
  public URI begin(URI callback) {
    State state = new State();
    CodeVerifier verifier = new CodeVerifier();
    states.save(state.getValue(), verifier.getValue());
    return new AuthorizationRequest.Builder(new ResponseType(ResponseType.Value.CODE), clientId)
        .endpointURI(resolve(githubUrl, "login/oauth/authorize"))
        .redirectionURI(callback)
        .scope(SCOPE)
        .state(state)
        .codeChallenge(verifier, CodeChallengeMethod.S256)
        .build()
        .toURI();
  }

  /** Finishes a login: spends the state, exchanges the code, and asks GitHub who this is. */
  public Result complete(String code, String state, URI callback) {
    String verifier =
        states
            .consume(state)
            .orElseThrow(
                () -> new LoginFailedException("the login state is unknown, used or expired", false));
    if (code == null || code.isBlank() || code.length() > 500) {
      throw new LoginFailedException("GitHub sent no authorization code", false);
    }
    Secret token = exchange(code, new CodeVerifier(verifier), callback);
    return new Result(fetchUser(token), token);
  }

  /** Who signed in, and the GitHub token to act for them. */
  public record Result(GitHubUser user, Secret token) {}

  private Secret exchange(String code, CodeVerifier verifier, URI callback) {
    TokenRequest request =
        new TokenRequest.Builder(
                resolve(githubUrl, "login/oauth/access_token"),
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
        throw new LoginFailedException("GitHub refused the code (HTTP " + response.getStatusCode() + ")", false);
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
    HttpRequest request =
        HttpRequest.newBuilder(resolve(apiUrl, "user"))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token.reveal())
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .GET()
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new LoginFailedException("GitHub did not say who signed in (HTTP " + response.statusCode() + ")", true);
      }
      JsonNode body = Json.MAPPER.readTree(response.body());
      if (!body.path("id").canConvertToLong() || !body.path("login").isTextual()) {
        throw new LoginFailedException("GitHub's user response was not understood", true);
      }
      return new GitHubUser(
          body.get("id").asLong(),
          body.get("login").asText(),
          text(body, "name"),
          text(body, "avatar_url"));
    } catch (IOException e) {
      throw new LoginFailedException("GitHub could not be reached; try again", true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LoginFailedException("interrupted while asking GitHub", true);
    }
  }

  private static Optional<String> text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
  }

  /** Appends a path to a base that may itself have one (GitHub Enterprise: /api/v3). */
  static URI resolve(URI base, String path) {
    String text = base.toString();
    return URI.create(text.endsWith("/") ? text + path : text + "/" + path);
  }
}
