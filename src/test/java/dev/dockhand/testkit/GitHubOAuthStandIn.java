package dev.dockhand.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dockhand.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * GitHub's OAuth web flow and the few REST calls Dockhand makes, on loopback, speaking GitHub's
 * wire format: {@code GET /login/oauth/authorize} (checks client_id, redirect_uri, state and an
 * S256 code_challenge, then redirects back with a code), {@code POST /login/oauth/access_token}
 * (checks the client secret and the code_verifier against the challenge; like GitHub, errors are
 * 200 with an {@code error} member), {@code GET /user} and {@code GET /user/repos}. Serves as
 * both GITHUB_URL and GITHUB_API_URL. Thread-safe.
 */
public final class GitHubOAuthStandIn implements AutoCloseable {
  /** A person the stand-in signs in. */
  public record Account(long id, String login, String name) {}

  private record Grant(String redirectUri, String challenge, Account account) {}

  private final String clientId;
  private final String clientSecret;
  private final HttpServer server;
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();
  private final Map<String, Account> tokens = new ConcurrentHashMap<>();
  private final List<Map<String, String>> authorizeRequests = new CopyOnWriteArrayList<>();
  private volatile Account nextAccount = new Account(4242, "octocat", "The Octocat");

  public GitHubOAuthStandIn(String clientId, String clientSecret) throws IOException {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/login/oauth/authorize", this::authorize);
    server.createContext("/login/oauth/access_token", this::accessToken);
    server.createContext("/user/repos", this::repos);
    server.createContext("/user", this::user);
    server.start();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Who the next authorization signs in as. */
  public void signInAs(Account account) {
    this.nextAccount = account;
  }

  /** The query parameters of every authorize request seen, oldest first. */
  public List<Map<String, String>> authorizeRequests() {
    return List.copyOf(authorizeRequests);
  }

  /** The access tokens handed out so far. */
  public List<String> issuedTokens() {
    return List.copyOf(tokens.keySet());
  }

  private void authorize(HttpExchange exchange) throws IOException {
    Map<String, String> query = parse(exchange.getRequestURI().getRawQuery());
    authorizeRequests.add(query);
    String problem = null;
    if (!clientId.equals(query.get("client_id"))) {
      problem = "unknown client_id";
    } else if (query.get("redirect_uri") == null || !query.get("redirect_uri").startsWith("http")) {
      problem = "redirect_uri missing";
    } else if (query.getOrDefault("state", "").length() < 16) {
      problem = "state missing or short";
    } else if (!"S256".equals(query.get("code_challenge_method"))
        || query.getOrDefault("code_challenge", "").length() != 43) {
      problem = "PKCE S256 challenge missing";
    } else if (!"code".equals(query.get("response_type"))) {
      problem = "response_type must be code";
    }
    if (problem != null) {
      send(exchange, 400, "text/plain", problem);
      return;
    }
    String code = UUID.randomUUID().toString().replace("-", "");
    codes.put(code, new Grant(query.get("redirect_uri"), query.get("code_challenge"), nextAccount));
    String location =
        query.get("redirect_uri")
            + (query.get("redirect_uri").contains("?") ? "&" : "?")
            + "code="
            + code
            + "&state="
            + URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Location", location);
    send(exchange, 302, "text/plain", "");
  }

  private void accessToken(HttpExchange exchange) throws IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      send(exchange, 404, "text/plain", "not found");
      return;
    }
    Map<String, String> form =
        parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    Map<String, String> basic = basicAuth(exchange);
    String id = form.getOrDefault("client_id", basic.get("id"));
    String secret = form.getOrDefault("client_secret", basic.get("secret"));
    Grant grant = codes.remove(form.getOrDefault("code", ""));
    String error = null;
    if (!clientId.equals(id) || !clientSecret.equals(secret)) {
      error = "incorrect_client_credentials";
    } else if (grant == null) {
      error = "bad_verification_code";
    } else if (!grant.redirectUri().equals(form.get("redirect_uri"))) {
      error = "redirect_uri_mismatch";
    } else if (!"authorization_code".equals(form.get("grant_type"))) {
      error = "unsupported_grant_type";
    } else if (!grant.challenge().equals(s256(form.getOrDefault("code_verifier", "")))) {
      error = "invalid_grant";
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    if (error != null) {
      body.put("error", error).put("error_description", "refused by the stand-in");
    } else {
      String token = "gho_" + UUID.randomUUID().toString().replace("-", "");
      tokens.put(token, grant.account());
      body.put("access_token", token).put("token_type", "bearer").put("scope", "repo,read:user");
    }
    boolean json =
        String.valueOf(exchange.getRequestHeaders().getFirst("Accept")).contains("application/json");
    if (json) {
      send(exchange, 200, "application/json", body.toString());
    } else {
      // What GitHub does when not asked for JSON.
      StringBuilder encoded = new StringBuilder();
      body.fields()
          .forEachRemaining(
              field ->
                  encoded
                      .append(encoded.isEmpty() ? "" : "&")
                      .append(field.getKey())
                      .append('=')
                      .append(URLEncoder.encode(field.getValue().asText(), StandardCharsets.UTF_8)));
      send(exchange, 200, "application/x-www-form-urlencoded", encoded.toString());
    }
  }

  private void user(HttpExchange exchange) throws IOException {
    Account account = bearer(exchange);
    if (account == null) {
      send(exchange, 401, "application/json", "{\"message\":\"Bad credentials\"}");
      return;
    }
    ObjectNode body =
        Json.MAPPER
            .createObjectNode()
            .put("id", account.id())
            .put("login", account.login())
            .put("name", account.name())
            .put("avatar_url", "https://avatars.example/u/" + account.id());
    send(exchange, 200, "application/json", body.toString());
  }

  private void repos(HttpExchange exchange) throws IOException {
    Account account = bearer(exchange);
    if (account == null) {
      send(exchange, 401, "application/json", "{\"message\":\"Bad credentials\"}");
      return;
    }
    ArrayNode body = Json.MAPPER.createArrayNode();
    body.addObject()
        .put("full_name", account.login() + "/hello")
        .put("clone_url", "https://github.com/" + account.login() + "/hello.git")
        .put("default_branch", "main")
        .put("private", false)
        .putObject("permissions")
        .put("push", true);
    send(exchange, 200, "application/json", body.toString());
  }

  private Account bearer(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null) {
      return null;
    }
    String token = header.replaceFirst("(?i)^(bearer|token) ", "");
    return tokens.get(token);
  }

  private static Map<String, String> basicAuth(HttpExchange exchange) {
    Map<String, String> credentials = new HashMap<>();
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header != null && header.startsWith("Basic ")) {
      String decoded =
          new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      credentials.put("id", URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8));
      credentials.put(
          "secret", URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
    }
    return credentials;
  }

  static String s256(String verifier) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> parse(String encoded) {
    Map<String, String> values = new HashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return values;
    }
    for (String pair : encoded.split("&")) {
      int equals = pair.indexOf('=');
      String key = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      values.put(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return values;
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
