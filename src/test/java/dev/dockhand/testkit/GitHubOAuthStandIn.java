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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * GitHub's OAuth web flow and the few REST calls Dockhand makes, on loopback, speaking GitHub's
 * wire format: {@code GET /login/oauth/authorize} (checks client_id, redirect_uri, state and an
 * S256 code_challenge, then redirects back with a code), {@code POST /login/oauth/access_token}
 * (checks the client secret and the code_verifier against the challenge; like GitHub, errors are
 * 200 with an {@code error} member), {@code GET /user}, {@code GET /user/repos}, and the membership
 * answers the sign-in allowlist asks for: {@code GET /user/memberships/orgs/{org}} and {@code GET
 * /orgs/{org}/teams/{team}/memberships/{username}} (200 with a {@code state}, 404 for a non-member,
 * 401 for an unknown token, 403 for a token without {@code read:org}). Serves as both GITHUB_URL
 * and GITHUB_API_URL. Thread-safe.
 */
public final class GitHubOAuthStandIn implements AutoCloseable {
  /** A person the stand-in signs in. */
  public record Account(long id, String login, String name) {}

  private record Grant(String redirectUri, String challenge, String scope, Account account) {}

  private record Issued(Account account, Set<String> scopes) {}

  private static final String NOT_FOUND =
      "{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\"}";

  private final String clientId;
  private final String clientSecret;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();
  private final Map<String, Issued> tokens = new ConcurrentHashMap<>();
  // org -> login -> "active" | "pending"; "org/team" -> logins; all lower case.
  private final Map<String, Map<String, String>> orgMembers = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> teamMembers = new ConcurrentHashMap<>();
  private final AtomicInteger membershipRequests = new AtomicInteger();
  private volatile int membershipOutage;
  private volatile Map<String, String> outageHeaders = Map.of();
  private volatile CountDownLatch membershipGate = new CountDownLatch(0);
  private final List<Map<String, String>> authorizeRequests = new CopyOnWriteArrayList<>();
  private volatile Account nextAccount = new Account(4242, "octocat", "The Octocat");

  public GitHubOAuthStandIn(String clientId, String clientSecret) throws IOException {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/login/oauth/authorize", this::authorize);
    server.createContext("/login/oauth/access_token", this::accessToken);
    server.createContext("/user/repos", this::repos);
    server.createContext("/user/memberships/orgs/", this::orgMembership);
    server.createContext("/orgs/", this::teamMembership);
    server.createContext("/user", this::user);
    // Requests are answered concurrently, as GitHub does (a held membership answer blocks no
    // other).
    server.setExecutor(executor);
    server.start();
  }

  /**
   * The server keys that point GitHub sign-in at this stand-in (client id and secret, GITHUB_URL,
   * GITHUB_API_URL), with {@code more} added.
   */
  public Map<String, String> signInEnv(Map<String, String> more) {
    Map<String, String> env = new java.util.HashMap<>(more);
    env.put("GITHUB_CLIENT_ID", clientId);
    env.put("GITHUB_CLIENT_SECRET", clientSecret);
    env.put("GITHUB_URL", url().toString());
    env.put("GITHUB_API_URL", url().toString());
    return Map.copyOf(env);
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

  /** Makes {@code login} an active member of {@code org}. */
  public void addOrgMember(String org, String login) {
    orgMembers
        .computeIfAbsent(lower(org), key -> new ConcurrentHashMap<>())
        .put(lower(login), "active");
  }

  /**
   * Invites {@code login} to {@code org}: GitHub answers {@code "state":"pending"} until accepted.
   */
  public void inviteToOrg(String org, String login) {
    orgMembers
        .computeIfAbsent(lower(org), key -> new ConcurrentHashMap<>())
        .put(lower(login), "pending");
  }

  /** Removes {@code login} from {@code org} and all its teams. */
  public void removeOrgMember(String org, String login) {
    orgMembers.getOrDefault(lower(org), new ConcurrentHashMap<>()).remove(lower(login));
    teamMembers.forEach(
        (team, members) -> {
          if (team.startsWith(lower(org) + "/")) {
            members.remove(lower(login));
          }
        });
  }

  /** Adds {@code login} to the team (and, as GitHub requires, to its organisation). */
  public void addTeamMember(String org, String team, String login) {
    addOrgMember(org, login);
    teamMembers
        .computeIfAbsent(lower(org) + "/" + lower(team), key -> ConcurrentHashMap.newKeySet())
        .add(lower(login));
  }

  public void removeTeamMember(String org, String team, String login) {
    teamMembers.getOrDefault(lower(org) + "/" + lower(team), Set.of()).remove(lower(login));
  }

  /** Answers the membership endpoints with this status (e.g. 502) until set back to 0. */
  public void membershipOutage(int status) {
    membershipOutage(status, Map.of());
  }

  /** As {@link #membershipOutage(int)}, with these headers (e.g. a secondary rate limit's). */
  public void membershipOutage(int status, Map<String, String> headers) {
    this.outageHeaders = Map.copyOf(headers);
    this.membershipOutage = status;
  }

  /** Holds membership answers until {@link #releaseMembershipAnswers()}. */
  public void holdMembershipAnswers() {
    this.membershipGate = new CountDownLatch(1);
  }

  public void releaseMembershipAnswers() {
    membershipGate.countDown();
  }

  /** How many membership requests arrived (held ones included). */
  public int membershipRequests() {
    return membershipRequests.get();
  }

  /** A token for {@code account}, as an earlier sign-in with these scopes would have got. */
  public String issueToken(Account account, String... scopes) {
    String token = "gho_" + UUID.randomUUID().toString().replace("-", "");
    tokens.put(token, new Issued(account, Set.of(scopes)));
    return token;
  }

  /** Revokes every token issued to {@code login}, as a user revoking the app's access would. */
  public void revokeTokensOf(String login) {
    tokens.values().removeIf(issued -> issued.account().login().equalsIgnoreCase(login));
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
    codes.put(
        code,
        new Grant(
            query.get("redirect_uri"),
            query.get("code_challenge"),
            query.getOrDefault("scope", ""),
            nextAccount));
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
      Set<String> scopes = Set.of(grant.scope().trim().split("[ ,]+"));
      tokens.put(token, new Issued(grant.account(), scopes));
      body.put("access_token", token)
          .put("token_type", "bearer")
          .put("scope", String.join(",", new TreeSet<>(scopes)));
    }
    boolean json =
        String.valueOf(exchange.getRequestHeaders().getFirst("Accept"))
            .contains("application/json");
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
                      .append(
                          URLEncoder.encode(field.getValue().asText(), StandardCharsets.UTF_8)));
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

  private void orgMembership(HttpExchange exchange) throws IOException {
    String[] path = exchange.getRequestURI().getPath().split("/");
    // "", "user", "memberships", "orgs", org
    membership(exchange, path.length == 5 ? lower(path[4]) : null, null, null);
  }

  private void teamMembership(HttpExchange exchange) throws IOException {
    String[] path = exchange.getRequestURI().getPath().split("/");
    // "", "orgs", org, "teams", team, "memberships", username
    boolean shaped = path.length == 7 && path[3].equals("teams") && path[5].equals("memberships");
    if (!shaped) {
      send(exchange, 404, "application/json", NOT_FOUND);
      return;
    }
    membership(exchange, lower(path[2]), lower(path[4]), lower(path[6]));
  }

  /** An org membership of the caller (team null), or a team membership of {@code username}. */
  private void membership(HttpExchange exchange, String org, String team, String username)
      throws IOException {
    membershipRequests.incrementAndGet();
    try {
      membershipGate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Issued issued = issued(exchange);
    if (issued != null) {
      exchange
          .getResponseHeaders()
          .add("X-OAuth-Scopes", String.join(", ", new TreeSet<>(issued.scopes())));
    }
    int outage = membershipOutage;
    if (outage != 0) {
      outageHeaders.forEach(exchange.getResponseHeaders()::add);
      send(exchange, outage, "application/json", "{\"message\":\"Server Error\"}");
    } else if (issued == null) {
      send(exchange, 401, "application/json", "{\"message\":\"Bad credentials\"}");
    } else if (!issued.scopes().contains("read:org")) {
      send(
          exchange,
          403,
          "application/json",
          "{\"message\":\"You need at least read:org scope to read memberships.\"}");
    } else if (org == null) {
      send(exchange, 404, "application/json", NOT_FOUND);
    } else {
      String caller = lower(issued.account().login());
      Map<String, String> members = orgMembers.getOrDefault(org, Map.of());
      String state =
          team == null
              ? members.get(caller)
              : "active".equals(members.get(caller))
                      && teamMembers.getOrDefault(org + "/" + team, Set.of()).contains(username)
                  ? members.getOrDefault(username, "active")
                  : null;
      if (state == null) {
        send(exchange, 404, "application/json", NOT_FOUND);
        return;
      }
      ObjectNode body = Json.MAPPER.createObjectNode().put("state", state).put("role", "member");
      if (team == null) {
        body.putObject("organization").put("login", org);
        body.putObject("user").put("login", caller);
      }
      send(exchange, 200, "application/json", body.toString());
    }
  }

  private Account bearer(HttpExchange exchange) {
    Issued issued = issued(exchange);
    return issued == null ? null : issued.account();
  }

  private Issued issued(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null) {
      return null;
    }
    String token = header.replaceFirst("(?i)^(bearer|token) ", "");
    return tokens.get(token);
  }

  private static String lower(String value) {
    return value.toLowerCase(Locale.ROOT);
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
    membershipGate.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
