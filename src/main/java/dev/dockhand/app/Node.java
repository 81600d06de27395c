package dev.dockhand.app;

import dev.dockhand.agent.AgentLoop;
import dev.dockhand.auth.Auth;
import dev.dockhand.egress.Resolver;
import dev.dockhand.env.EnvironmentCache;
import dev.dockhand.env.EnvironmentStore;
import dev.dockhand.env.Environments;
import dev.dockhand.events.EventHub;
import dev.dockhand.events.EventLog;
import dev.dockhand.git.RepoUrl;
import dev.dockhand.github.InstallationTokens;
import dev.dockhand.githubapp.GitHubApp;
import dev.dockhand.metrics.Metrics;
import dev.dockhand.push.Push;
import dev.dockhand.queue.Dispatcher;
import dev.dockhand.queue.TaskQueue;
import dev.dockhand.run.AttemptNetwork;
import dev.dockhand.run.CheckRounds;
import dev.dockhand.run.ChecksPhase;
import dev.dockhand.run.DiskGate;
import dev.dockhand.run.EnvironmentPhase;
import dev.dockhand.run.Incarnation;
import dev.dockhand.run.SetupPhase;
import dev.dockhand.run.TaskPipeline;
import dev.dockhand.sandbox.ContainerReaper;
import dev.dockhand.sandbox.DockerSandbox;
import dev.dockhand.sandbox.SandboxHealth;
import dev.dockhand.sandbox.SandboxNetwork;
import dev.dockhand.sandbox.SandboxUser;
import dev.dockhand.sandbox.TaskDisks;
import dev.dockhand.sandbox.WarmPool;
import dev.dockhand.store.Database;
import dev.dockhand.store.DbClock;
import dev.dockhand.web.ApiServer;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Dockhand node: every part built from the configuration and wired together. {@code
 * serve} runs one; tests start several in one JVM. Thread-safe.
 */
public final class Node implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Node.class);
  private static final Duration REAP_INTERVAL = Duration.ofMinutes(1);

  private final Config config;
  private final Database database;
  private final TaskQueue queue;
  private final EventLog eventLog;
  private final Auth auth;
  private final Incarnation incarnation;
  private final WarmPool pool;
  private final AgentLoop agent;
  private final Dispatcher dispatcher;
  private final ContainerReaper reaper;
  private final ApiServer api;
  private final Push push;
  private final Optional<GitHubApp> githubApp;
  private final Optional<String> adminToken;
  private final Optional<String> loginLink;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Node(
      Config config, Database database, Incarnation incarnation, Clock clock, PrintStream out) {
    this.config = config;
    this.database = database;
    this.incarnation = incarnation;
    eventLog = new EventLog(database);
    EventHub hub = new EventHub(database, eventLog);
    queue =
        new TaskQueue(
            database,
            eventLog,
            hub,
            config.queue(),
            config.agent().submitRules(config.auth().maxActiveTasksPerUser()),
            clock);
    auth =
        Auth.create(
            config.auth(),
            config.dataDir(),
            config.git().githubUrl(),
            config.git().githubApiUrl(),
            database,
            clock);
    DockerSandbox sandbox = new DockerSandbox(config.sandbox(), config.nodeId(), incarnation.id());
    SandboxHealth health = sandbox.health();
    if (!health.ready()) {
      out.println("dockhand: " + health.summary());
    }
    warnAboutOpenChoices(config);
    TaskDisks disks =
        new TaskDisks(
            config.dataDir().resolve("tasks").resolve(config.nodeId()), config.sandbox().disk());
    disks.verify();
    AttemptNetwork network =
        new AttemptNetwork(
            config.sandbox().network(),
            config.egress(),
            config.dataDir().resolve("egress").resolve(config.nodeId()),
            Resolver.SYSTEM);
    Metrics metrics = new Metrics();
    pool = WarmPool.start(sandbox, config.dataDir(), metrics::warmPoolHandOver);
    metrics.warmPoolIdle(pool::idle);
    agent = new AgentLoop(config.agent(), clock);
    EnvironmentCache envCache = new EnvironmentCache(config.dataDir(), config.env().cache(), clock);
    Optional<InstallationTokens> appTokens = Wiring.installationTokens(config, clock);
    githubApp =
        Wiring.githubApp(config, appTokens, database, queue, eventLog, auth, this::origin, clock);
    TaskPipeline pipeline =
        new TaskPipeline(
            config.git(),
            Wiring.owners(config, auth, appTokens),
            disks,
            new Environments(new EnvironmentStore(database, clock)),
            new EnvironmentPhase(
                envCache,
                new SetupPhase(
                    config.env().setupTimeout(),
                    config.sandbox().execTimeout(),
                    config.publicUrl(),
                    clock),
                sandbox,
                SandboxUser.parse(config.sandbox().user())),
            network,
            pool,
            agent,
            new CheckRounds(
                new ChecksPhase(
                    config.env().checksTimeout(), config.sandbox().execTimeout(), clock),
                config.env().checksRounds(),
                config.agent().maxDuration(),
                eventLog,
                clock),
            Wiring.publishers(config, githubApp),
            queue,
            eventLog,
            metrics,
            clock);
    dispatcher = new Dispatcher(queue, pipeline, config.queue(), config.nodeId(), clock);
    dispatcher.gate(new DiskGate(disks));
    reaper = new ContainerReaper(pool, dispatcher::isRunning, incarnation::isLive);
    reaper.reapOnce();
    // After the reaper: a dead run's containers would keep its disks busy.
    int leftovers = disks.clearLeftovers();
    if (leftovers > 0) {
      log.info("released {} task disks left by an earlier run of this node", leftovers);
    }
    push =
        Push.start(config.push(), config.dataDir(), database, hub, queue, Resolver.SYSTEM, clock);
    api =
        ApiServer.builder(config.server(), database, queue, eventLog, hub, auth)
            .push(push)
            .readiness(Wiring.readiness(database, sandbox, disks))
            .repoValidator(input -> RepoUrl.parse(input, config.git()).toString())
            .metrics(metrics)
            .clock(clock)
            .envCacheDrop(envCache.enabled() ? envCache::drop : null)
            .githubApp(githubApp.orElse(null))
            .build();
    adminToken = auth.bootstrapLocalAdmin();
    api.start();
    loginLink =
        auth.localMode() && config.auth().loginLinkAtStart()
            ? Optional.of(
                api.loginLinkUrl(auth.loginLinks().create(auth.users().local().id()).secret()))
            : Optional.empty();
    githubApp.ifPresent(GitHubApp::start);
    dispatcher.start();
    reaper.start(REAP_INTERVAL);
  }

  /** Builds and starts a node; the caller closes it. */
  public static Node start(Config config, PrintStream out) {
    Clock clock = Clock.systemUTC();
    Database database = Database.open(config.dbUrl(), config.dataDir());
    Incarnation incarnation = null;
    Node node;
    try {
      incarnation = register(config, database);
      node = new Node(config, database, incarnation, clock, out);
    } catch (RuntimeException e) {
      // A node that did not start must not hold its id until its lease runs out.
      if (incarnation != null) {
        incarnation.close();
      }
      database.close();
      throw e;
    }
    // Not the token itself: a service manager's journal keeps whatever is printed here.
    node.adminToken.ifPresent(
        token ->
            out.println(
                "Local mode: an admin API token was written to "
                    + config.dataDir().resolve("admin-token").toAbsolutePath()
                    + " (mode 0600); sign in with its contents"));
    out.println(
        "Dockhand listening on "
            + node.origin()
            + " (node "
            + config.nodeId()
            + ", "
            + (config.postgres() ? "PostgreSQL" : "SQLite in " + config.dataDir())
            + (node.auth.localMode() ? ", local mode" : ", GitHub sign-in")
            + ")");
    return node;
  }

  public URI origin() {
    return api.origin();
  }

  public int port() {
    return api.port();
  }

  public TaskQueue queue() {
    return queue;
  }

  public EventLog eventLog() {
    return eventLog;
  }

  public Auth auth() {
    return auth;
  }

  /** The GitHub App, where one is configured. */
  public Optional<GitHubApp> githubApp() {
    return githubApp;
  }

  /** The admin token made at this start, in local mode on a fresh data dir. */
  public Optional<String> adminToken() {
    return adminToken;
  }

  /** In local mode, a one-time sign-in link made at this start (valid ten minutes). */
  public Optional<String> loginLink() {
    return loginLink;
  }

  /**
   * Graceful stop (SIGTERM): stop claiming, hand running tasks back to the queue without spending
   * an attempt, remove this node's containers, close the server and the database.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    githubApp.ifPresent(GitHubApp::close);
    dispatcher.shutdown();
    reaper.close();
    reaper.reapOnce();
    api.stop();
    push.close();
    agent.close();
    pool.close();
    incarnation.close();
    database.close();
    log.info("node {} stopped", config.nodeId());
  }

  /**
   * Before anything acts as this node id, since a live holder of it would see its work reaped and
   * rescued; a crashed predecessor's claim is waited out, as it lapses within one lease.
   */
  private static Incarnation register(Config config, Database database) {
    Duration lease = config.queue().lease();
    return Incarnation.register(
        database, config.nodeId(), lease, config.queue().heartbeat(), lease, DbClock.of(database));
  }

  /** The operator's choices that open the sandbox up are said once, loudly, at every start. */
  private static void warnAboutOpenChoices(Config config) {
    if (config.sandbox().network() == SandboxNetwork.OPEN) {
      log.warn(
          "DOCKHAND_SANDBOX_NETWORK=open: task containers sit on Docker's bridge and can reach other"
              + " containers, this host's services and the internet");
    }
    if (!config.sandbox().disk().bounded()) {
      log.warn(config.sandbox().disk().describe());
    }
  }
}
