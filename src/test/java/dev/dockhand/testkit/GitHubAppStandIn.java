package dev.dockhand.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import dev.dockhand.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A GitHub App on the {@link GitHubStandIn}, speaking GitHub's wire format: App-level calls
 * authenticated by a JWT verified against the App's public key (RS256, {@code iss} = the App's id,
 * issued in the past, expiring within ten minutes), installation tokens scoped to repositories and
 * permissions, and, with those tokens, permissions, comments, reactions, reviews, workflow runs,
 * jobs, job logs (a redirect to an address that must be fetched without credentials) and check
 * runs. Delivers signed webhooks to a server as GitHub does. Records what it was asked.
 * Thread-safe.
 */
public final class GitHubAppStandIn {
  public static final long APP_ID = 4242;
  public static final String WEBHOOK_SECRET = "standin-webhook-secret-0123456789";

  private static final Pattern REPO_INSTALLATION =
      Pattern.compile("/repos/([^/]+)/([^/]+)/installation");
  private static final Pattern ORG_INSTALLATION = Pattern.compile("/orgs/([^/]+)/installation");
  private static final Pattern ACCESS_TOKENS =
      Pattern.compile("/app/installations/([0-9]+)/access_tokens");
  private static final Pattern REPO = Pattern.compile("/repos/([^/]+)/([^/]+)/(.+)");
  private static final Pattern LOGS = Pattern.compile("/_logs/([0-9]+)");
  private static final Pattern ORG_MEMBER = Pattern.compile("/orgs/([^/]+)/members/([^/]+)");

  private final GitHubStandIn github;
  private final String slug;
  private final KeyPair keys;
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicLong ids = new AtomicLong(9000);
  private final Map<String, Long> installations = new ConcurrentHashMap<>();
  private final Map<String, Grant> grants = new ConcurrentHashMap<>();
  private final Map<String, String> roles = new ConcurrentHashMap<>();
  private final Map<Long, Review> reviews = new ConcurrentHashMap<>();
  private final Map<Long, List<Job>> runs = new ConcurrentHashMap<>();
  private final Map<Long, List<Job>> suites = new ConcurrentHashMap<>();
  private final Map<String, Long> orgInstallations = new ConcurrentHashMap<>();
  private final Map<String, java.util.Set<String>> members = new ConcurrentHashMap<>();
  private final Map<Long, Comment> comments = new ConcurrentHashMap<>();
  private final List<String> reactions = new ArrayList<>();
  private final List<String> refusals = new ArrayList<>();
  private final List<JsonNode> tokenRequests = new ArrayList<>();
  private final List<String> logDownloads = new ArrayList<>();
  private volatile java.util.function.Consumer<String> onToken = token -> {};

  /** A person on GitHub. */
  public record Person(String login, long id) {}

  /** A comment on an issue or pull request; {@code edits} counts its PATCHes. */
  public record Comment(long id, String repo, int number, String body, String author, int edits) {}

  /** An inline review comment. */
  public record ReviewComment(long id, String path, int line, String diffHunk, String body) {}

  private record Review(
      String repo, int number, Person author, String body, List<ReviewComment> comments) {}

  /** A job of a workflow run, with its log. */
  public record Job(long id, String name, String conclusion, String log) {}

  private record Grant(
      long installation, List<String> repositories, Map<String, String> permissions) {}

  GitHubAppStandIn(GitHubStandIn github, String slug) {
    this.github = github;
    this.slug = slug;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      this.keys = generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public String slug() {
    return slug;
  }

  /** The configuration that points Dockhand at this App, its key written to {@code dir}. */
  public Map<String, String> environment(Path dir) {
    Path pem = dir.resolve("app-key.pem");
    try {
      Files.createDirectories(dir);
      Files.writeString(pem, pkcs1Pem());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of(
        "GITHUB_APP_ID",
        Long.toString(APP_ID),
        "GITHUB_APP_PRIVATE_KEY_FILE",
        pem.toString(),
        "GITHUB_APP_SLUG",
        slug,
        "GITHUB_WEBHOOK_SECRET",
        WEBHOOK_SECRET);
  }

  /** Installs the App on {@code owner/name}; returns the installation's id. */
  public long install(String fullName) {
    long id = installations.values().stream().findFirst().orElse(ids.incrementAndGet());
    installations.put(fullName.toLowerCase(Locale.ROOT), id);
    return id;
  }

  /** Installs the App on organisation {@code org} too (for its members: read permission). */
  public long installOnOrg(String org) {
    long id = ids.incrementAndGet();
    orgInstallations.put(org.toLowerCase(Locale.ROOT), id);
    return id;
  }

  /** {@code login} is a member of {@code org}. */
  public void member(String org, String login) {
    members
        .computeIfAbsent(org.toLowerCase(Locale.ROOT), key -> ConcurrentHashMap.newKeySet())
        .add(login.toLowerCase(Locale.ROOT));
  }

  public long installationOf(String fullName) {
    return installations.get(fullName.toLowerCase(Locale.ROOT));
  }

  /** {@code login}'s role on every repository: admin, maintain, write, triage or read. */
  public void role(String login, String role) {
    roles.put(login.toLowerCase(Locale.ROOT), role);
  }

  /** A submitted review of pull request {@code number} with inline comments; returns its id. */
  public long review(
      String fullName, int number, Person author, String body, List<ReviewComment> inline) {
    long id = ids.incrementAndGet();
    reviews.put(id, new Review(fullName, number, author, body, List.copyOf(inline)));
    return id;
  }

  public ReviewComment inline(String path, int line, String hunk, String body) {
    return new ReviewComment(ids.incrementAndGet(), path, line, hunk, body);
  }

  /** A workflow run whose jobs are {@code jobs}; returns its id. */
  public long run(List<Job> jobs) {
    long id = ids.incrementAndGet();
    runs.put(id, List.copyOf(jobs));
    return id;
  }

  /** Another app's check suite whose check runs are {@code checks} (a job's log is its output). */
  public long checkSuite(List<Job> checks) {
    long id = ids.incrementAndGet();
    suites.put(id, List.copyOf(checks));
    return id;
  }

  public Job job(String name, String conclusion, String log) {
    return new Job(ids.incrementAndGet(), name, conclusion, log);
  }

  public long nextId() {
    return ids.incrementAndGet();
  }

  /** Tells {@code listener} each installation token handed out (a git server that takes them). */
  public void onTokenIssued(java.util.function.Consumer<String> listener) {
    onToken = listener;
  }

  /** Every installation token this App handed out. */
  public List<String> issuedTokens() {
    return List.copyOf(grants.keySet());
  }

  public synchronized List<JsonNode> tokenRequests() {
    return List.copyOf(tokenRequests);
  }

  public List<Comment> comments() {
    return comments.values().stream().sorted((a, b) -> Long.compare(a.id(), b.id())).toList();
  }

  /** {@code POST …/reactions} paths (without the repository), with the content, in order. */
  public synchronized List<String> reactions() {
    return List.copyOf(reactions);
  }

  /** Why requests were refused (a bad JWT, a token without the permission…). */
  public synchronized List<String> refusals() {
    return List.copyOf(refusals);
  }

  /** The Authorization header of each log download ("none" when it came bare, as it must). */
  public synchronized List<String> logDownloads() {
    return List.copyOf(logDownloads);
  }

  // ---- webhooks ----

  /** Delivers {@code payload} as event {@code event} with a new delivery id; returns the status. */
  public int deliver(URI server, String event, Map<String, Object> payload) {
    return deliver(server, event, UUID.randomUUID().toString(), payload);
  }

  /** Delivers under {@code deliveryId}: the same id again is what GitHub's redeliver does. */
  public int deliver(URI server, String event, String deliveryId, Map<String, Object> payload) {
    byte[] body = json(payload);
    return post(server, event, deliveryId, "sha256=" + HexFormat.of().formatHex(sign(body)), body);
  }

  /** A delivery signed with another secret, as a forger would. */
  public int deliverForged(URI server, String event, Map<String, Object> payload) {
    byte[] body = json(payload);
    byte[] wrong =
        sign(("x" + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    return post(
        server,
        event,
        UUID.randomUUID().toString(),
        "sha256=" + HexFormat.of().formatHex(wrong),
        body);
  }

  public int post(URI server, String event, String deliveryId, String signature, byte[] body) {
    HttpRequest request =
        HttpRequest.newBuilder(server.resolve("/webhooks/github"))
            .header("Content-Type", "application/json")
            .header("User-Agent", "GitHub-Hookshot/5e1c2f7")
            .header("X-GitHub-Event", event)
            .header("X-GitHub-Delivery", deliveryId)
            .header("X-GitHub-Hook-ID", "1")
            .header("X-GitHub-Hook-Installation-Target-Type", "integration")
            .header("X-GitHub-Hook-Installation-Target-ID", Long.toString(APP_ID))
            .header("X-Hub-Signature-256", signature)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code issues} / {@code opened}. */
  public Map<String, Object> issueOpened(
      String fullName, int number, String title, String body, Person author) {
    Map<String, Object> payload = envelope("opened", fullName, author);
    payload.put("issue", issue(fullName, number, title, body, author, false));
    return payload;
  }

  /** {@code issue_comment} / {@code created}, on an issue or a pull request's conversation. */
  public Map<String, Object> issueComment(
      String fullName, int number, boolean onPullRequest, String body, Person author) {
    Map<String, Object> payload = envelope("created", fullName, author);
    payload.put("issue", issue(fullName, number, "Issue " + number, "", author, onPullRequest));
    long id = ids.incrementAndGet();
    Map<String, Object> comment = new LinkedHashMap<>();
    comment.put("id", id);
    comment.put("node_id", "IC_" + id);
    comment.put("html_url", htmlUrl(fullName) + "/issues/" + number + "#issuecomment-" + id);
    comment.put("body", body);
    comment.put("user", user(author));
    comment.put("author_association", "MEMBER");
    comment.put("created_at", Instant.now().toString());
    payload.put("comment", comment);
    return payload;
  }

  /** {@code pull_request_review} / {@code submitted}, for a review made with {@link #review}. */
  public Map<String, Object> reviewSubmitted(String fullName, long reviewId) {
    Review review = reviews.get(reviewId);
    Map<String, Object> payload = envelope("submitted", fullName, review.author());
    payload.put("review", reviewJson(reviewId, review));
    payload.put("pull_request", pullJson(fullName, review.number()));
    return payload;
  }

  /** {@code pull_request_review_comment} / {@code created}, for one comment of a review. */
  public Map<String, Object> reviewCommentCreated(
      String fullName, long reviewId, ReviewComment inline) {
    Review review = reviews.get(reviewId);
    Map<String, Object> payload = envelope("created", fullName, review.author());
    Map<String, Object> comment = reviewCommentJson(reviewId, review, inline);
    payload.put("comment", comment);
    payload.put("pull_request", pullJson(fullName, review.number()));
    return payload;
  }

  /** {@code workflow_run} / {@code completed}. */
  public Map<String, Object> workflowRunCompleted(
      String fullName, long runId, String branch, String sha, String conclusion, int pullNumber) {
    Map<String, Object> payload = envelope("completed", fullName, new Person("octo-ci", 77));
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("id", runId);
    run.put("name", "CI");
    run.put("head_branch", branch);
    run.put("head_sha", sha);
    run.put("event", "pull_request");
    run.put("status", "completed");
    run.put("conclusion", conclusion);
    run.put("html_url", htmlUrl(fullName) + "/actions/runs/" + runId);
    run.put(
        "pull_requests",
        List.of(Map.of("number", pullNumber, "head", Map.of("ref", branch, "sha", sha))));
    payload.put("workflow_run", run);
    return payload;
  }

  /** {@code check_suite} / {@code completed}, of an app other than GitHub Actions. */
  public Map<String, Object> checkSuiteCompleted(
      String fullName, long suiteId, String branch, String sha, String conclusion) {
    Map<String, Object> payload = envelope("completed", fullName, new Person("octo-ci", 77));
    Map<String, Object> suite = new LinkedHashMap<>();
    suite.put("id", suiteId);
    suite.put("head_branch", branch);
    suite.put("head_sha", sha);
    suite.put("status", "completed");
    suite.put("conclusion", conclusion);
    suite.put("app", Map.of("id", 31, "slug", "circle-ci", "name", "CircleCI"));
    suite.put("pull_requests", List.of());
    payload.put("check_suite", suite);
    return payload;
  }

  private Map<String, Object> envelope(String action, String fullName, Person sender) {
    String[] parts = fullName.split("/", 2);
    Map<String, Object> repository = new LinkedHashMap<>();
    repository.put("id", 100 + Math.abs(fullName.hashCode() % 1000));
    repository.put("name", parts[1]);
    repository.put("full_name", fullName);
    repository.put("private", true);
    repository.put("owner", Map.of("login", parts[0], "id", 1, "type", "Organization"));
    repository.put("html_url", htmlUrl(fullName));
    repository.put("default_branch", "main");
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("action", action);
    payload.put("repository", repository);
    payload.put("installation", Map.of("id", installationOf(fullName), "node_id", "MDIz"));
    payload.put("sender", user(sender));
    return payload;
  }

  private Map<String, Object> issue(
      String fullName, int number, String title, String body, Person author, boolean pull) {
    Map<String, Object> issue = new LinkedHashMap<>();
    issue.put("id", 70_000 + number);
    issue.put("number", number);
    issue.put("title", title);
    issue.put("body", body);
    issue.put("state", "open");
    issue.put("user", user(author));
    issue.put("html_url", htmlUrl(fullName) + (pull ? "/pull/" : "/issues/") + number);
    if (pull) {
      issue.put(
          "pull_request",
          Map.of(
              "url",
              github.apiUrl() + "/repos/" + fullName + "/pulls/" + number,
              "html_url",
              htmlUrl(fullName) + "/pull/" + number));
    }
    return issue;
  }

  private Map<String, Object> pullJson(String fullName, int number) {
    return Map.of(
        "number", number, "html_url", htmlUrl(fullName) + "/pull/" + number, "state", "open");
  }

  private Map<String, Object> reviewJson(long id, Review review) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", id);
    json.put("user", user(review.author()));
    json.put("body", review.body());
    json.put("state", "commented");
    json.put(
        "html_url",
        htmlUrl(review.repo()) + "/pull/" + review.number() + "#pullrequestreview-" + id);
    return json;
  }

  private Map<String, Object> reviewCommentJson(
      long reviewId, Review review, ReviewComment inline) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", inline.id());
    json.put("pull_request_review_id", reviewId);
    json.put("path", inline.path());
    json.put("line", inline.line());
    json.put("original_line", inline.line());
    json.put("diff_hunk", inline.diffHunk());
    json.put("body", inline.body());
    json.put("user", user(review.author()));
    return json;
  }

  private static Map<String, Object> user(Person person) {
    boolean bot = person.login().endsWith("[bot]");
    return Map.of("login", person.login(), "id", person.id(), "type", bot ? "Bot" : "User");
  }

  private String htmlUrl(String fullName) {
    return github.apiUrl() + "/" + fullName;
  }

  // ---- the REST side ----

  /** Handles what the App answers; false for what the plain stand-in answers (pulls, repos). */
  boolean handle(HttpExchange exchange, GitHubStandIn.Call call) throws IOException {
    String path = call.path().replaceFirst("^/api/v3(?=/)", "");
    Matcher logs = LOGS.matcher(path);
    if (logs.matches()) {
      synchronized (this) {
        logDownloads.add(call.authorization().orElse("none"));
      }
      downloadLog(exchange, Long.parseLong(logs.group(1)));
      return true;
    }
    Matcher repoInstallation = REPO_INSTALLATION.matcher(path);
    Matcher orgInstallation = ORG_INSTALLATION.matcher(path);
    Matcher accessTokens = ACCESS_TOKENS.matcher(path);
    if (repoInstallation.matches() || orgInstallation.matches() || accessTokens.matches()) {
      Optional<String> refused = jwtRefusal(call.authorization());
      if (refused.isPresent()) {
        refuse(exchange, 401, "A JSON web token could not be decoded: " + refused.get());
        return true;
      }
      if (accessTokens.matches()) {
        issueToken(exchange, Long.parseLong(accessTokens.group(1)), call.body());
      } else if (repoInstallation.matches()) {
        Long id =
            installations.get(
                (repoInstallation.group(1) + "/" + repoInstallation.group(2))
                    .toLowerCase(Locale.ROOT));
        GitHubStandIn.reply(
            exchange,
            id == null ? 404 : 200,
            id == null
                ? GitHubStandIn.error("Not Found")
                : Map.of(
                    "id",
                    id,
                    "app_id",
                    APP_ID,
                    "account",
                    Map.of("login", repoInstallation.group(1))));
      } else {
        Long id = orgInstallations.get(orgInstallation.group(1).toLowerCase(Locale.ROOT));
        GitHubStandIn.reply(
            exchange,
            id == null ? 404 : 200,
            id == null ? GitHubStandIn.error("Not Found") : Map.of("id", id, "app_id", APP_ID));
      }
      return true;
    }
    Optional<Grant> bearer =
        call.authorization()
            .map(value -> value.replaceFirst("^(Bearer|token) ", ""))
            .map(grants::get);
    Matcher member = ORG_MEMBER.matcher(path);
    if (member.matches() && bearer.isPresent()) {
      String org = member.group(1).toLowerCase(Locale.ROOT);
      if (!Long.valueOf(bearer.get().installation()).equals(orgInstallations.get(org))) {
        // Another installation's token sees public members only: a redirect to that list.
        exchange
            .getResponseHeaders()
            .add(
                "Location",
                github.apiUrl() + "/orgs/" + org + "/public_members/" + member.group(2));
        exchange.sendResponseHeaders(302, -1);
      } else if (needs(exchange, bearer.get(), "members")) {
        boolean isMember =
            members
                .getOrDefault(org, java.util.Set.of())
                .contains(member.group(2).toLowerCase(Locale.ROOT));
        exchange.sendResponseHeaders(isMember ? 204 : 404, -1);
      }
      return true;
    }
    Matcher repo = REPO.matcher(path);
    Optional<Grant> grant = bearer;
    if (!repo.matches() || grant.isEmpty()) {
      return false;
    }
    String fullName = repo.group(1) + "/" + repo.group(2);
    if (!grant.get().repositories().contains(repo.group(2))) {
      refuse(exchange, 404, "Not Found (the token does not cover " + fullName + ")");
      return true;
    }
    return repoCall(exchange, call, grant.get(), fullName, repo.group(3));
  }

  private boolean repoCall(
      HttpExchange exchange, GitHubStandIn.Call call, Grant grant, String fullName, String rest)
      throws IOException {
    String method = call.method();
    String[] parts = rest.split("/");
    if (rest.matches("collaborators/[^/]+/permission") && method.equals("GET")) {
      String role = roles.getOrDefault(parts[1].toLowerCase(Locale.ROOT), "read");
      String permission =
          switch (role) {
            case "maintain" -> "write";
            case "triage" -> "read";
            default -> role;
          };
      GitHubStandIn.reply(
          exchange,
          200,
          Map.of("permission", permission, "role_name", role, "user", Map.of("login", parts[1])));
    } else if (rest.matches(
            "(issues/comments/[0-9]+|pulls/comments/[0-9]+|issues/[0-9]+)/reactions")
        && method.equals("POST")) {
      if (needs(exchange, grant, rest.startsWith("pulls") ? "pull_requests" : "issues")) {
        synchronized (this) {
          reactions.add(
              rest.replace("/reactions", "")
                  + " "
                  + Json.MAPPER.readTree(call.body()).path("content").asText());
        }
        GitHubStandIn.reply(exchange, 201, Map.of("id", ids.incrementAndGet(), "content", "eyes"));
      }
    } else if (rest.matches("issues/[0-9]+/comments") && method.equals("POST")) {
      if (needs(exchange, grant, "issues")) {
        long id = ids.incrementAndGet();
        String body = Json.MAPPER.readTree(call.body()).path("body").asText();
        comments.put(
            id, new Comment(id, fullName, Integer.parseInt(parts[1]), body, slug + "[bot]", 0));
        GitHubStandIn.reply(
            exchange,
            201,
            Map.of("id", id, "body", body, "user", Map.of("login", slug + "[bot]", "type", "Bot")));
      }
    } else if (rest.matches("issues/comments/[0-9]+") && method.equals("PATCH")) {
      Comment old = comments.get(Long.parseLong(parts[2]));
      if (old == null) {
        GitHubStandIn.reply(exchange, 404, GitHubStandIn.error("Not Found"));
      } else if (needs(exchange, grant, "issues")) {
        String body = Json.MAPPER.readTree(call.body()).path("body").asText();
        comments.put(
            old.id(),
            new Comment(old.id(), old.repo(), old.number(), body, old.author(), old.edits() + 1));
        GitHubStandIn.reply(exchange, 200, Map.of("id", old.id(), "body", body));
      }
    } else if (rest.matches("pulls/[0-9]+/reviews/[0-9]+(/comments)?") && method.equals("GET")) {
      Review review = reviews.get(Long.parseLong(parts[3]));
      if (review == null) {
        GitHubStandIn.reply(exchange, 404, GitHubStandIn.error("Not Found"));
      } else if (rest.endsWith("/comments")) {
        long reviewId = Long.parseLong(parts[3]);
        GitHubStandIn.reply(
            exchange,
            200,
            review.comments().stream()
                .map(inline -> reviewCommentJson(reviewId, review, inline))
                .toList());
      } else {
        GitHubStandIn.reply(exchange, 200, reviewJson(Long.parseLong(parts[3]), review));
      }
    } else if (rest.matches("actions/runs/[0-9]+/jobs") && method.equals("GET")) {
      if (needs(exchange, grant, "actions")) {
        List<Job> jobs = runs.getOrDefault(Long.parseLong(parts[2]), List.of());
        GitHubStandIn.reply(
            exchange,
            200,
            Map.of(
                "total_count",
                jobs.size(),
                "jobs",
                jobs.stream()
                    .map(
                        job ->
                            Map.of(
                                "id",
                                job.id(),
                                "name",
                                job.name(),
                                "status",
                                "completed",
                                "conclusion",
                                job.conclusion()))
                    .toList()));
      }
    } else if (rest.matches("check-suites/[0-9]+/check-runs") && method.equals("GET")) {
      if (needs(exchange, grant, "checks")) {
        List<Job> checks = suites.getOrDefault(Long.parseLong(parts[1]), List.of());
        GitHubStandIn.reply(
            exchange,
            200,
            Map.of(
                "total_count",
                checks.size(),
                "check_runs",
                checks.stream()
                    .map(
                        check ->
                            Map.of(
                                "id", check.id(),
                                "name", check.name(),
                                "status", "completed",
                                "conclusion", check.conclusion(),
                                "output",
                                    Map.of(
                                        "title",
                                        check.name() + " failed",
                                        "summary",
                                        "",
                                        "text",
                                        check.log())))
                    .toList()));
      }
    } else if (rest.matches("actions/jobs/[0-9]+/logs") && method.equals("GET")) {
      if (needs(exchange, grant, "actions")) {
        exchange
            .getResponseHeaders()
            .add("Location", github.apiUrl() + "/_logs/" + parts[2] + "?sig=" + UUID.randomUUID());
        exchange.sendResponseHeaders(302, -1);
      }
    } else {
      return false;
    }
    return true;
  }

  private void downloadLog(HttpExchange exchange, long jobId) throws IOException {
    Optional<Job> job =
        runs.values().stream()
            .flatMap(List::stream)
            .filter(candidate -> candidate.id() == jobId)
            .findFirst();
    byte[] bytes = job.map(Job::log).orElse("").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/plain");
    exchange.sendResponseHeaders(
        job.isPresent() ? 200 : 404, bytes.length == 0 ? -1 : bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private void issueToken(HttpExchange exchange, long installation, String body)
      throws IOException {
    JsonNode request = Json.MAPPER.readTree(body.isEmpty() ? "{}" : body);
    synchronized (this) {
      tokenRequests.add(request);
    }
    if (!installations.containsValue(installation)
        && !orgInstallations.containsValue(installation)) {
      refuse(exchange, 404, "Not Found");
      return;
    }
    List<String> repositories = new ArrayList<>();
    request.path("repositories").forEach(name -> repositories.add(name.asText()));
    for (String name : repositories) {
      boolean covered =
          installations.entrySet().stream()
              .anyMatch(
                  entry ->
                      entry.getValue() == installation
                          && entry.getKey().endsWith("/" + name.toLowerCase(Locale.ROOT)));
      if (!covered) {
        refuse(
            exchange,
            422,
            "There is at least one repository that does not exist or is not accessible to the parent installation.");
        return;
      }
    }
    Map<String, String> permissions = new LinkedHashMap<>();
    request
        .path("permissions")
        .properties()
        .forEach(entry -> permissions.put(entry.getKey(), entry.getValue().asText()));
    String token = "ghs_" + UUID.randomUUID().toString().replace("-", "");
    grants.put(token, new Grant(installation, List.copyOf(repositories), Map.copyOf(permissions)));
    github.acceptToken(token);
    onToken.accept(token);
    Instant expires = Instant.now().plusSeconds(3600);
    GitHubStandIn.reply(
        exchange,
        201,
        Map.of(
            "token",
            token,
            "expires_at",
            expires.toString().replaceFirst("\\.[0-9]+Z$", "Z"),
            "permissions",
            permissions,
            "repository_selection",
            "selected"));
  }

  private boolean needs(HttpExchange exchange, Grant grant, String permission) throws IOException {
    if (grant.permissions().containsKey(permission)) {
      return true;
    }
    refuse(exchange, 403, "Resource not accessible by integration (needs " + permission + ")");
    return false;
  }

  private Optional<String> jwtRefusal(Optional<String> authorization) {
    if (authorization.isEmpty() || !authorization.get().startsWith("Bearer ")) {
      return Optional.of("no bearer");
    }
    try {
      SignedJWT jwt = SignedJWT.parse(authorization.get().substring(7));
      if (!jwt.getHeader().getAlgorithm().equals(JWSAlgorithm.RS256)) {
        return Optional.of("not RS256");
      }
      if (!jwt.verify(new RSASSAVerifier((RSAPublicKey) keys.getPublic()))) {
        return Optional.of("bad signature");
      }
      Object issuer = jwt.getJWTClaimsSet().getClaim("iss");
      Instant now = Instant.now();
      Instant issued = jwt.getJWTClaimsSet().getIssueTime().toInstant();
      Instant expires = jwt.getJWTClaimsSet().getExpirationTime().toInstant();
      if (!String.valueOf(issuer).equals(Long.toString(APP_ID))) {
        return Optional.of("iss is " + issuer);
      }
      if (issued.isAfter(now.plusSeconds(1))
          || !expires.isAfter(now)
          || expires.isAfter(now.plusSeconds(600))) {
        return Optional.of(
            "'Expiration time' claim ('exp') is too far in the future or iat is not in the past");
      }
      return Optional.empty();
    } catch (java.text.ParseException | com.nimbusds.jose.JOSEException | NullPointerException e) {
      return Optional.of(e.getClass().getSimpleName());
    }
  }

  private synchronized void refuse(HttpExchange exchange, int status, String message)
      throws IOException {
    refusals.add(status + " " + message);
    GitHubStandIn.reply(exchange, status, GitHubStandIn.error(message));
  }

  private byte[] sign(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(body);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] json(Object value) {
    try {
      return Json.MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The private key as GitHub hands it out: PKCS#1, "BEGIN RSA PRIVATE KEY". */
  private String pkcs1Pem() {
    byte[] pkcs8 = keys.getPrivate().getEncoded();
    int at = 1;
    at += lengthBytes(pkcs8, at); // past the outer SEQUENCE's tag and length
    at += 3; // version INTEGER 0
    at += 2 + pkcs8[at + 1]; // AlgorithmIdentifier SEQUENCE
    at += 1; // OCTET STRING tag
    int contentStart = at + lengthBytes(pkcs8, at);
    byte[] pkcs1 = Arrays.copyOfRange(pkcs8, contentStart, pkcs8.length);
    String base64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs1);
    return "-----BEGIN RSA PRIVATE KEY-----\n" + base64 + "\n-----END RSA PRIVATE KEY-----\n";
  }

  /** How many bytes the DER length at {@code at} takes. */
  private static int lengthBytes(byte[] der, int at) {
    int first = der[at] & 0xff;
    return first < 0x80 ? 1 : 1 + (first & 0x7f);
  }
}
