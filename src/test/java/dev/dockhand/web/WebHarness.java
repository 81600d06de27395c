package dev.dockhand.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.Json;
import dev.dockhand.app.Config;
import dev.dockhand.auth.Auth;
import dev.dockhand.auth.GitHubUser;
import dev.dockhand.auth.User;
import dev.dockhand.config.Secret;
import dev.dockhand.egress.Resolver;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventHub;
import dev.dockhand.events.EventLog;
import dev.dockhand.events.EventPayload;
import dev.dockhand.metrics.Metrics;
import dev.dockhand.push.Push;
import dev.dockhand.queue.NewTask;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskQueue;
import dev.dockhand.sandbox.TestTrees;
import dev.dockhand.store.Database;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real server on a random loopback port over a fresh SQLite file, with the parts it is wired
 * to, for tests and benchmarks. Local mode unless the environment names a GitHub app.
 */
public final class WebHarness implements AutoCloseable {
  private static final AtomicLong NEXT_GITHUB_ID = new AtomicLong(1000);

  private final Path dataDir;
  private final Config config;
  private final Database database;
  private final TaskQueue queue;
  private final EventLog log;
  private final EventHub hub;
  private final Auth auth;
  private final Metrics metrics = new Metrics();
  private final Push push;
  private final ApiServer server;
  private final Optional<String> adminToken;
  private final HttpClient http = HttpClient.newHttpClient();

  private WebHarness(
      Map<String, String> environment, WebLimits limits, Clock clock, Resolver resolver)
      throws IOException {
    this.dataDir = Files.createTempDirectory("dockhand-web-");
    Map<String, String> env = new HashMap<>(environment);
    env.putIfAbsent("DOCKHAND_DATA_DIR", dataDir.toString());
    env.putIfAbsent("DOCKHAND_PORT", "0");
    keys(limits).forEach(env::putIfAbsent);
    this.config = Config.load(env);
    this.database = Database.open(config.dbUrl(), config.dataDir());
    this.log = new EventLog(database);
    this.hub = new EventHub(database, log);
    this.queue =
        new TaskQueue(
            database,
            log,
            hub,
            config.queue(),
            config.agent().submitRules(config.auth().maxActiveTasksPerUser()),
            clock);
    this.auth =
        Auth.create(
            config.auth(),
            config.dataDir(),
            config.git().githubUrl(),
            config.git().githubApiUrl(),
            database,
            Clock.systemUTC());
    this.adminToken = auth.bootstrapLocalAdmin();
    this.push = Push.start(config.push(), config.dataDir(), database, hub, queue, resolver, clock);
    this.server =
        ApiServer.builder(config.server(), database, queue, log, hub, auth)
            .push(push)
            .metrics(metrics)
            .clock(clock)
            .build()
            .start();
  }

  /** The limits as the keys that set them: a test lowers them as an operator would. */
  private static Map<String, String> keys(WebLimits limits) {
    return Map.of(
        WebLimits.MAX_BODY_KB, kib(limits.maxBodyBytes()),
        WebLimits.MAX_PROMPT_CHARS, Integer.toString(limits.maxPromptChars()),
        WebLimits.WS_MAX_MESSAGE_KB, kib(limits.wsMaxMessageBytes()),
        WebLimits.WS_MESSAGES_PER_SECOND, Integer.toString(limits.wsMessagesPerSecond()),
        WebLimits.WS_MESSAGE_BURST, Integer.toString(limits.wsMessageBurst()),
        WebLimits.OUTBOUND_MAX_FRAMES, Integer.toString(limits.outboundMaxFrames()),
        WebLimits.OUTBOUND_MAX_KB, kib(limits.outboundMaxBytes()),
        WebLimits.SLOW_CLIENT_GRACE, limits.slowClientGrace().toMillis() + "ms",
        WebLimits.PING_INTERVAL, limits.pingInterval().toMillis() + "ms",
        WebLimits.WS_MAX_SUBSCRIPTIONS, Integer.toString(limits.maxSubscriptions()));
  }

  private static String kib(long bytes) {
    if (bytes % WebLimits.KIB != 0) {
      throw new IllegalArgumentException(bytes + " bytes is not a whole number of KiB");
    }
    return Long.toString(bytes / WebLimits.KIB);
  }

  public static WebHarness start() throws IOException {
    return start(Map.of(), WebLimits.DEFAULTS);
  }

  public static WebHarness start(Map<String, String> environment, WebLimits limits)
      throws IOException {
    return new WebHarness(environment, limits, Clock.systemUTC(), Resolver.SYSTEM);
  }

  /** The same, with push services' names looked up by {@code resolver}. */
  public static WebHarness start(Map<String, String> environment, Resolver resolver)
      throws IOException {
    return new WebHarness(environment, WebLimits.DEFAULTS, Clock.systemUTC(), resolver);
  }

  /** The same, with the queue and the server on {@code clock} (spend days, rate buckets). */
  public static WebHarness start(Map<String, String> environment, WebLimits limits, Clock clock)
      throws IOException {
    return new WebHarness(environment, limits, clock, Resolver.SYSTEM);
  }

  public URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  public URI wsUrl() {
    return URI.create("ws://127.0.0.1:" + server.port() + "/api/v1/ws");
  }

  public String origin() {
    return "http://127.0.0.1:" + server.port();
  }

  public ApiServer server() {
    return server;
  }

  public Config config() {
    return config;
  }

  public Database database() {
    return database;
  }

  public TaskQueue queue() {
    return queue;
  }

  public EventLog log() {
    return log;
  }

  public EventHub hub() {
    return hub;
  }

  public Auth auth() {
    return auth;
  }

  public Push push() {
    return push;
  }

  public Metrics metrics() {
    return metrics;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Local mode's admin token, printed once on first start. */
  public String adminToken() {
    return adminToken.orElseThrow();
  }

  /** Another person, as if they had signed in with GitHub; returns an API token of theirs. */
  public Person person(String login) {
    User user =
        auth.users()
            .signedIn(
                new GitHubUser(
                    NEXT_GITHUB_ID.incrementAndGet(), login, Optional.of(login), Optional.empty()),
                new Secret("gho_" + login));
    return new Person(user, auth.tokens().create(user.id(), "test").secret());
  }

  /** The local user with the admin token. */
  public Person local() {
    return new Person(auth.users().local(), adminToken());
  }

  /** A person and a bearer token of theirs. */
  public record Person(User user, String token) {
    public long id() {
      return user.id();
    }
  }

  /** Submits straight to the queue, as the API would. */
  public Task submit(Person owner) {
    return queue.submit(
        new NewTask(
            owner.id(),
            "https://github.com/octo/hello.git",
            Optional.empty(),
            "say hello",
            Optional.empty(),
            Optional.empty(),
            Optional.empty()),
        Optional.empty());
  }

  /** Stores and publishes an event, as a running task's pipeline would. */
  public Event append(String taskId, EventPayload payload) {
    return database.write(
        handle -> {
          Event event = log.append(handle, taskId, payload, Instant.now());
          hub.publishOnCommit(handle, event);
          return event;
        });
  }

  public HttpResponse<String> get(String path, String token) {
    return send(request(path, token).GET().build());
  }

  public HttpResponse<String> post(String path, String token, String body) {
    return send(
        request(path, token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  public HttpResponse<String> delete(String path, String token) {
    return send(request(path, token).DELETE().build());
  }

  public HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(url(path));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public HttpClient http() {
    return http;
  }

  public static JsonNode json(HttpResponse<String> response) {
    return json(response.body());
  }

  public static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  @Override
  public void close() throws IOException {
    // Each harness has its own client; without this its selector thread outlives the test.
    try {
      http.shutdownNow();
      server.stop();
      push.close();
      database.close();
    } finally {
      TestTrees.delete(dataDir);
    }
  }
}
