package dev.dockhand.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dockhand.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for GitHub's REST API on loopback, speaking its wire format: {@code GET/POST
 * /repos/{owner}/{repo}/pulls} and {@code GET /user/repos} (paged with {@code per_page}, {@code
 * page} and a {@code Link} header). Paths may also carry GitHub Enterprise's {@code /api/v3}
 * prefix. A pull request may be opened as a draft ({@code "draft": true}), unless the stand-in was
 * told the repository has no drafts, when it answers 422 as GitHub does. Requests need {@code
 * Authorization: Bearer <token>} with an accepted token, else 401 "Bad credentials". Records every
 * call. Thread-safe.
 */
public final class GitHubStandIn implements AutoCloseable {
  private static final Pattern PULLS = Pattern.compile("/repos/([^/]+)/([^/]+)/pulls");
  private static final Pattern PULL = Pattern.compile("/repos/([^/]+)/([^/]+)/pulls/([0-9]+)");

  private final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private final List<Call> calls = new ArrayList<>();
  private final List<PullRequest> pulls = new ArrayList<>();
  private final List<Map<String, Object>> userRepos = new ArrayList<>();
  private final List<Integer> failures = new ArrayList<>();
  private final Map<String, Canned> canned = new ConcurrentHashMap<>();
  private volatile boolean draftsRefused;
  private ExecutorService executor;
  private HttpServer server;
  private volatile GitHubAppStandIn app;

  /** One request: its path as sent (prefix included), the headers that matter, the body. */
  public record Call(
      String method,
      String path,
      String query,
      Optional<String> authorization,
      Optional<String> accept,
      Optional<String> apiVersion,
      String body) {}

  /** A pull request as stored; {@code authorization} is the header that opened it. */
  public record PullRequest(
      int number,
      String owner,
      String repo,
      String head,
      String base,
      String title,
      String body,
      String state,
      String htmlUrl,
      String authorization,
      boolean draft) {}

  private record Canned(int status, Map<String, String> headers, String body) {}

  public static GitHubStandIn start(String... acceptedTokens) {
    GitHubStandIn standIn = new GitHubStandIn();
    standIn.tokens.addAll(List.of(acceptedTokens));
    try {
      standIn.executor = Executors.newVirtualThreadPerTaskExecutor();
      standIn.server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      standIn.server.createContext("/", standIn::handle);
      standIn.server.setExecutor(standIn.executor);
      standIn.server.start();
      return standIn;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The API base URL, as GITHUB_API_URL would be set. */
  public URI apiUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The same API under GitHub Enterprise's {@code /api/v3} prefix. */
  public URI enterpriseApiUrl() {
    return URI.create(apiUrl() + "/api/v3");
  }

  public void acceptToken(String token) {
    tokens.add(token);
  }

  /** The GitHub App's endpoints, served here from now on (see {@link GitHubAppStandIn}). */
  public GitHubAppStandIn installApp(String slug) {
    app = new GitHubAppStandIn(this, slug);
    return app;
  }

  /** A pull request someone opened from {@code head} into {@code base}; returns its number. */
  public synchronized int openPull(
      String owner, String repo, String head, String base, String title, String body) {
    return addPull(owner, repo, head, base, title, body, "person", false).number();
  }

  private synchronized PullRequest addPull(
      String owner,
      String repo,
      String head,
      String base,
      String title,
      String body,
      String authorization,
      boolean draft) {
    int number = pulls.size() + 1;
    PullRequest pull =
        new PullRequest(
            number,
            owner,
            repo,
            head,
            base,
            title,
            body,
            "open",
            apiUrl() + "/" + owner + "/" + repo + "/pull/" + number,
            authorization,
            draft);
    pulls.add(pull);
    return pull;
  }

  /** Adds a repository to what {@code GET /user/repos} lists. */
  public synchronized void addUserRepo(
      String fullName, String cloneUrl, String defaultBranch, boolean isPrivate) {
    String[] parts = fullName.split("/", 2);
    Map<String, Object> repo = new LinkedHashMap<>();
    repo.put("id", 1000 + userRepos.size());
    repo.put("name", parts[1]);
    repo.put("full_name", fullName);
    repo.put("owner", Map.of("login", parts[0]));
    repo.put("private", isPrivate);
    repo.put("html_url", apiUrl() + "/" + fullName);
    repo.put("clone_url", cloneUrl);
    repo.put("default_branch", defaultBranch);
    repo.put("description", null);
    repo.put("pushed_at", "2026-01-01T00:00:00Z");
    repo.put("updated_at", "2026-01-01T00:00:00Z");
    repo.put("permissions", Map.of("admin", false, "push", true, "pull", true));
    userRepos.add(repo);
  }

  /**
   * From now on a draft pull request is refused with 422, as GitHub refuses one in a repository
   * whose plan has no drafts.
   */
  public void refuseDrafts() {
    draftsRefused = true;
  }

  /** The next {@code count} pull request creations answer {@code status} and create nothing. */
  public synchronized void failPullRequestCreation(int status, int count) {
    for (int i = 0; i < count; i++) {
      failures.add(status);
    }
  }

  /**
   * Every request for {@code pathAndQuery} (the path as sent, with {@code ?query} to match one page
   * only) from an accepted token is answered with {@code status}, {@code headers} and {@code body},
   * as GitHub might answer: a rate limit, an outage, a redirect, a huge body.
   */
  public void answer(String pathAndQuery, int status, Map<String, String> headers, String body) {
    canned.put(pathAndQuery, new Canned(status, Map.copyOf(headers), body));
  }

  public synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  public synchronized List<PullRequest> pullRequests() {
    return List.copyOf(pulls);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.close();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Optional<String> authorization = header(exchange, "Authorization");
      Call call =
          new Call(
              exchange.getRequestMethod(),
              path,
              Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse(""),
              authorization,
              header(exchange, "Accept"),
              header(exchange, "X-GitHub-Api-Version"),
              body);
      synchronized (this) {
        calls.add(call);
      }
      GitHubAppStandIn installed = app;
      if (installed != null && installed.handle(exchange, call)) {
        return;
      }
      if (authorization
          .filter(value -> value.startsWith("Bearer ") || value.startsWith("token "))
          .map(value -> value.substring(value.indexOf(' ') + 1))
          .filter(tokens::contains)
          .isEmpty()) {
        reply(exchange, 401, error("Bad credentials"));
        return;
      }
      route(exchange, call);
    }
  }

  private void route(HttpExchange exchange, Call call) throws IOException {
    Canned answer =
        Optional.ofNullable(canned.get(call.path() + "?" + call.query()))
            .orElse(canned.get(call.path()));
    if (answer != null) {
      answer.headers().forEach(exchange.getResponseHeaders()::add);
      byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
      exchange.getResponseBody().write(bytes);
      return;
    }
    String path = call.path().replaceFirst("^/api/v3(?=/)", "");
    Matcher pullsPath = PULLS.matcher(path);
    Matcher pullPath = PULL.matcher(path);
    if (pullPath.matches() && call.method().equals("GET")) {
      Optional<PullRequest> pull = pull(pullPath.group(1), pullPath.group(2), pullPath.group(3));
      if (pull.isPresent()) {
        reply(exchange, 200, json(pull.get()));
      } else {
        reply(exchange, 404, error("Not Found"));
      }
    } else if (pullsPath.matches() && call.method().equals("GET")) {
      reply(exchange, 200, listPulls(pullsPath.group(1), pullsPath.group(2), query(call.query())));
    } else if (pullsPath.matches() && call.method().equals("POST")) {
      createPull(exchange, pullsPath.group(1), pullsPath.group(2), call);
    } else if (path.equals("/user/repos") && call.method().equals("GET")) {
      listUserRepos(exchange, query(call.query()));
    } else {
      reply(exchange, 404, error("Not Found"));
    }
  }

  private synchronized List<Map<String, Object>> listPulls(
      String owner, String repo, Map<String, String> query) {
    String state = query.getOrDefault("state", "open");
    return pulls.stream()
        .filter(pull -> pull.owner().equals(owner) && pull.repo().equals(repo))
        .filter(pull -> state.equals("all") || pull.state().equals(state))
        .filter(
            pull ->
                !query.containsKey("head") || (owner + ":" + pull.head()).equals(query.get("head")))
        .filter(pull -> !query.containsKey("base") || pull.base().equals(query.get("base")))
        .map(GitHubStandIn::json)
        .toList();
  }

  private void createPull(HttpExchange exchange, String owner, String repo, Call call)
      throws IOException {
    JsonNode request = Json.MAPPER.readTree(call.body().isEmpty() ? "{}" : call.body());
    String head =
        request.path("head").asText("").replaceFirst("^" + Pattern.quote(owner) + ":", "");
    String base = request.path("base").asText("");
    String title = request.path("title").asText("");
    if (head.isEmpty() || base.isEmpty() || title.isEmpty()) {
      reply(exchange, 422, validationError("missing_field", "head, base and title are required"));
      return;
    }
    synchronized (this) {
      if (!failures.isEmpty()) {
        int status = failures.removeFirst();
        reply(exchange, status, error("Server Error"));
        return;
      }
      boolean exists =
          pulls.stream()
              .anyMatch(
                  pull ->
                      pull.owner().equals(owner)
                          && pull.repo().equals(repo)
                          && pull.head().equals(head)
                          && pull.state().equals("open"));
      if (exists) {
        reply(
            exchange,
            422,
            validationError(
                "custom", "A pull request already exists for " + owner + ":" + head + "."));
        return;
      }
      boolean draft = request.path("draft").asBoolean(false);
      if (draft && draftsRefused) {
        reply(
            exchange,
            422,
            validationError("custom", "Draft pull requests are not supported in this repository."));
        return;
      }
      PullRequest pull =
          addPull(
              owner,
              repo,
              head,
              base,
              title,
              request.path("body").asText(""),
              call.authorization().orElse(""),
              draft);
      reply(exchange, 201, json(pull));
    }
  }

  private synchronized void listUserRepos(HttpExchange exchange, Map<String, String> query)
      throws IOException {
    int perPage =
        Math.max(1, Math.min(100, Integer.parseInt(query.getOrDefault("per_page", "30"))));
    int page = Math.max(1, Integer.parseInt(query.getOrDefault("page", "1")));
    int lastPage = Math.max(1, (userRepos.size() + perPage - 1) / perPage);
    int from = Math.min(userRepos.size(), (page - 1) * perPage);
    List<Map<String, Object>> slice =
        userRepos.subList(from, Math.min(userRepos.size(), from + perPage));
    if (page < lastPage) {
      String link = apiUrl() + "/user/repos?per_page=" + perPage + "&page=";
      exchange
          .getResponseHeaders()
          .add(
              "Link",
              "<" + link + (page + 1) + ">; rel=\"next\", <" + link + lastPage + ">; rel=\"last\"");
    }
    reply(exchange, 200, List.copyOf(slice));
  }

  private synchronized Optional<PullRequest> pull(String owner, String repo, String number) {
    return pulls.stream()
        .filter(pull -> pull.owner().equals(owner) && pull.repo().equals(repo))
        .filter(pull -> String.valueOf(pull.number()).equals(number))
        .findFirst();
  }

  private static Map<String, Object> json(PullRequest pull) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", 5000 + pull.number());
    json.put("number", pull.number());
    json.put("state", pull.state());
    json.put("title", pull.title());
    json.put("body", pull.body());
    json.put("html_url", pull.htmlUrl());
    json.put("draft", pull.draft());
    Map<String, Object> repo =
        Map.of("full_name", pull.owner() + "/" + pull.repo(), "name", pull.repo());
    json.put(
        "head",
        Map.of("ref", pull.head(), "label", pull.owner() + ":" + pull.head(), "repo", repo));
    json.put("base", Map.of("ref", pull.base(), "label", pull.owner() + ":" + pull.base()));
    return json;
  }

  static Map<String, Object> error(String message) {
    return Map.of("message", message, "documentation_url", "https://docs.github.com/rest");
  }

  private static Map<String, Object> validationError(String code, String message) {
    return Map.of(
        "message", "Validation Failed",
        "errors", List.of(Map.of("resource", "PullRequest", "code", code, "message", message)),
        "documentation_url", "https://docs.github.com/rest/pulls/pulls#create-a-pull-request");
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    for (String pair : raw.split("&")) {
      if (!pair.isEmpty()) {
        String[] parts = pair.split("=", 2);
        query.put(
            URLDecoder.decode(parts[0], StandardCharsets.UTF_8),
            parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "");
      }
    }
    return query;
  }

  static Optional<String> header(HttpExchange exchange, String name) {
    return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
  }

  static void reply(HttpExchange exchange, int status, Object body) throws IOException {
    byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
    exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
