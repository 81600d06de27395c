package dev.dockhand.web;

import dev.dockhand.auth.Auth;
import dev.dockhand.auth.UserAdmin;
import dev.dockhand.env.EnvironmentStore;
import dev.dockhand.events.EventHub;
import dev.dockhand.events.EventLog;
import dev.dockhand.git.RepoUrl;
import dev.dockhand.githubapp.GitHubApp;
import dev.dockhand.metrics.Metrics;
import dev.dockhand.push.Push;
import dev.dockhand.queue.TaskQueue;
import dev.dockhand.store.Database;
import dev.dockhand.usage.UsageQuery;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.javalin.websocket.WsHandlerType;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: REST API, WebSocket, SSE and the web app, configured in one place. Every route
 * under {@code /api/v1} and {@code /metrics} needs a caller; cookie-borne mutations must come from
 * our own origin; every failure goes through {@link ErrorMapper}. Build with {@link #builder};
 * {@link #start()} once, {@link #stop()} once.
 */
public final class ApiServer {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
  private static final Duration STOP_WAIT = Duration.ofSeconds(15);
  private final ServerSettings settings;
  private final Javalin app;
  private final LiveSocket socket;
  private final SseStream sse;
  private final ScheduledExecutorService timer;
  private final LinkRoutes links;

  private ApiServer(Builder parts) {
    this.settings = parts.settings;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("dockhand-web-timer").factory());
    WebLimits limits = settings.limits();
    Metrics metrics = parts.metrics;
    metrics.taskCountSource(parts.queue::countByStatus);
    HostCookie cookie = new HostCookie(HostCookie.SESSION, settings.publicUrl());
    Authentication authentication = new Authentication(parts.auth, cookie, settings.publicUrl());
    LiveConnection.LiveParts live =
        new LiveConnection.LiveParts(parts.queue, parts.log, parts.hub, limits, metrics);
    ClientAddress address = new ClientAddress(settings.auth().trustedProxies());
    StreamSlots streams = new StreamSlots(settings.streams(), address);
    this.socket = new LiveSocket(authentication, live, timer, streams);
    this.sse = new SseStream(live, streams);
    TaskRoutes tasks =
        new TaskRoutes(
            authentication,
            parts.queue,
            parts.log,
            new TaskSubmission(
                parts.repoValidator,
                limits.maxPromptChars(),
                settings.egressUserAdd(),
                settings.ceilings()),
            new SubmitLimiter(
                parts.clock, settings.auth().submitRatePerMinute(), settings.auth().submitBurst()),
            limits,
            sse);
    AccountRoutes account =
        new AccountRoutes(authentication, parts.auth, parts.repos, limits.maxBodyBytes());
    LoginLimiter loginLimiter = new LoginLimiter(parts.clock);
    LoginRoutes login =
        new LoginRoutes(
            parts.auth,
            cookie,
            new HostCookie(HostCookie.LOGIN, settings.publicUrl()),
            authentication,
            this::origin,
            loginLimiter,
            address);
    this.links =
        new LinkRoutes(
            parts.auth,
            cookie,
            authentication,
            this::origin,
            loginLimiter,
            address,
            limits.maxBodyBytes());
    OpsRoutes ops = new OpsRoutes(authentication, parts.readiness, metrics);
    AdminRoutes admin =
        new AdminRoutes(
            authentication,
            parts.auth,
            new UserAdmin(parts.database, parts.clock),
            parts.queue,
            socket,
            sse,
            limits.maxBodyBytes());
    EnvironmentRoutes environments =
        new EnvironmentRoutes(
            authentication,
            new EnvironmentStore(parts.database, parts.clock),
            settings.git(),
            parts.envCacheDrop,
            limits.maxBodyBytes());
    GitHubAppRoutes githubApp =
        new GitHubAppRoutes(parts.githubApp, authentication, settings.git(), limits.maxBodyBytes());
    SecurityHeaders headers = new SecurityHeaders(settings.publicUrl());
    this.app =
        Javalin.create(
            javalin -> {
              ServerConfiguration.apply(javalin, settings, metrics);
              javalin.routes.before(headers::apply);
              javalin.routes.before("/api/v1/*", authentication::check);
              ErrorMapper.register(javalin.routes);
              tasks.register(javalin.routes);
              account.register(javalin.routes);
              admin.register(javalin.routes);
              environments.register(javalin.routes);
              githubApp.register(javalin.routes);
              login.register(javalin.routes);
              links.register(javalin.routes);
              new PushRoutes(authentication, parts.push, limits.maxBodyBytes())
                  .register(javalin.routes);
              new UsageRoutes(
                      authentication, parts.auth, new UsageQuery(parts.database), parts.clock)
                  .register(javalin.routes);
              ops.register(javalin.routes);
              socket.register(javalin.routes);
              javalin.routes.after(ctx -> UnreadBodies.drain(ctx, limits.maxBodyBytes()));
            });
  }

  public static Builder builder(
      ServerSettings settings,
      Database database,
      TaskQueue queue,
      EventLog log,
      EventHub hub,
      Auth auth) {
    return new Builder(settings, database, queue, log, hub, auth);
  }

  public ApiServer start() {
    app.start();
    return this;
  }

  /**
   * Ends realtime streams (clients reconnect elsewhere or later), then the server. Jetty's stop
   * waits for each selector to acknowledge; one whose thread is gone would hold a shutdown forever,
   * so the wait is bounded and the server left to the exiting process.
   */
  public void stop() {
    socket.closeAll();
    sse.closeAll();
    Thread stopping = Thread.ofPlatform().daemon().name("dockhand-web-stop").start(app::stop);
    try {
      if (!stopping.join(STOP_WAIT)) {
        log.warn(
            "the web server did not stop within {}s; leaving it to the exiting process",
            STOP_WAIT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timer.shutdownNow();
  }

  public int port() {
    return app.port();
  }

  /** Where people reach this server: DOCKHAND_PUBLIC_URL, else the address it listens on. */
  public URI origin() {
    return settings
        .publicUrl()
        .orElseGet(() -> URI.create("http://" + hostForUrl(settings.host()) + ":" + port()));
  }

  /** The one-time sign-in link for a secret from {@code Auth.loginLinks()}. */
  public String loginLinkUrl(String secret) {
    return links.url(secret);
  }

  private static String hostForUrl(String host) {
    String reachable = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    return reachable.contains(":") ? "[" + reachable + "]" : reachable;
  }

  /** "METHOD /path" of every registered HTTP route and WebSocket (as GET), for the API test. */
  public List<String> routes() {
    List<String> routes = new ArrayList<>();
    app.unsafe.internalRouter.allHttpHandlers().stream()
        .map(parsed -> parsed.endpoint)
        .filter(endpoint -> endpoint.method.isHttpMethod())
        .forEach(endpoint -> routes.add(endpoint.method.name() + " " + endpoint.path));
    app.unsafe.internalRouter.allWsHandlers().stream()
        .filter(handler -> handler.getType() == WsHandlerType.WEBSOCKET)
        .forEach(handler -> routes.add(HandlerType.GET.name() + " " + handler.getPath()));
    return routes;
  }

  /** The parts the server needs; optional ones have working defaults. */
  public static final class Builder {
    private final ServerSettings settings;
    private final Database database;
    private final TaskQueue queue;
    private final EventLog log;
    private final EventHub hub;
    private final Auth auth;
    private Readiness readiness;
    private RepoLister repos;
    private Metrics metrics = new Metrics();
    private Function<String, String> repoValidator = TaskSubmission::basicRepoCheck;
    private Clock clock = Clock.systemUTC();
    private Optional<BiConsumer<Long, RepoUrl>> envCacheDrop = Optional.empty();
    private Optional<Push> push = Optional.empty();
    private Optional<GitHubApp> githubApp = Optional.empty();

    private Builder(
        ServerSettings settings,
        Database database,
        TaskQueue queue,
        EventLog log,
        EventHub hub,
        Auth auth) {
      this.settings = settings;
      this.database = database;
      this.queue = queue;
      this.log = log;
      this.hub = hub;
      this.auth = auth;
      this.readiness = new DatabaseReadiness(database);
    }

    /** Replaces the default (database only) readiness checks. */
    public Builder readiness(Readiness readiness) {
      this.readiness = readiness;
      return this;
    }

    /** Default: GitHub's {@code /user/repos} in OAuth mode, nothing in local mode. */
    public Builder repos(RepoLister repos) {
      this.repos = repos;
      return this;
    }

    public Builder metrics(Metrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /**
     * Checks and normalises a submitted repository URL; throws {@code InvalidInputException} with
     * field {@code repo}. Default: non-empty, at most 2000 printable characters.
     */
    public Builder repoValidator(Function<String, String> repoValidator) {
      this.repoValidator = repoValidator;
      return this;
    }

    /**
     * How {@code POST …/environment/rebuild} drops a user's cached environments of a repository.
     */
    public Builder envCacheDrop(BiConsumer<Long, RepoUrl> drop) {
      this.envCacheDrop = Optional.ofNullable(drop);
      return this;
    }

    /** Without it the push routes answer 404. */
    public Builder push(Push push) {
      this.push = Optional.of(push);
      return this;
    }

    /** The GitHub App, whose webhook and repository settings the server then serves. */
    public Builder githubApp(GitHubApp app) {
      this.githubApp = Optional.ofNullable(app);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public ApiServer build() {
      if (repos == null) {
        repos =
            auth.localMode()
                ? GitHubRepos.local(settings.git())
                : GitHubRepos.signedIn(auth.users(), settings.git().githubApiUrl());
      }
      return new ApiServer(this);
    }
  }
}
