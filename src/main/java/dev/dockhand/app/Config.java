package dev.dockhand.app;

import dev.dockhand.agent.AgentSettings;
import dev.dockhand.auth.AuthSettings;
import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import dev.dockhand.egress.EgressSettings;
import dev.dockhand.env.EnvSettings;
import dev.dockhand.git.GitSettings;
import dev.dockhand.github.AppSettings;
import dev.dockhand.push.PushSettings;
import dev.dockhand.queue.QueueSettings;
import dev.dockhand.sandbox.SandboxSettings;
import dev.dockhand.web.ServerSettings;
import dev.dockhand.web.StreamCaps;
import dev.dockhand.web.WebLimits;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * All configuration, read once at start-up and validated; see the README for the table.
 *
 * @param host DOCKHAND_HOST (default 127.0.0.1): the address the server listens on
 * @param port DOCKHAND_PORT (default 8080; 0 picks a free port)
 * @param dataDir DOCKHAND_DATA_DIR (default ./data): database, workspaces, keys
 * @param dbUrl DOCKHAND_DB_URL (default SQLite in the data dir): a jdbc:sqlite: or jdbc:postgresql:
 *     URL
 * @param publicUrl DOCKHAND_PUBLIC_URL: the URL people reach the server at (links, OAuth callback,
 *     cookie security)
 * @param nodeId DOCKHAND_NODE_ID (default the host name): this node's name in leases and labels
 * @param githubApp the GitHub App (GITHUB_APP_*, GITHUB_WEBHOOK_SECRET), when one is configured
 */
public record Config(
    String host,
    int port,
    Path dataDir,
    String dbUrl,
    Optional<URI> publicUrl,
    String nodeId,
    QueueSettings queue,
    SandboxSettings sandbox,
    AgentSettings agent,
    GitSettings git,
    EgressSettings egress,
    EnvSettings env,
    AuthSettings auth,
    PushSettings push,
    StreamCaps streams,
    WebLimits web,
    Optional<AppSettings> githubApp) {

  /** The file named by this key, if set, supplies keys the environment does not. */
  public static final String CONFIG_FILE_KEY = "DOCKHAND_CONFIG_FILE";

  public static Config load(Map<String, String> environment) {
    Map<String, String> merged = new HashMap<>();
    String file = environment.get(CONFIG_FILE_KEY);
    if (file != null && !file.isBlank()) {
      merged.putAll(readFile(Path.of(file.trim())));
    }
    merged.putAll(environment);
    return from(new Env(merged));
  }

  public static Config from(Env env) {
    Path dataDir = env.path("DOCKHAND_DATA_DIR", "./data").toAbsolutePath().normalize();
    String dbUrl = env.string("DOCKHAND_DB_URL", "jdbc:sqlite:" + dataDir.resolve("dockhand.db"));
    if (!dbUrl.startsWith("jdbc:sqlite:") && !dbUrl.startsWith("jdbc:postgresql:")) {
      throw new ConfigException(
          "DOCKHAND_DB_URL",
          "must start with jdbc:sqlite: or jdbc:postgresql:, got '" + dbUrl + "'");
    }
    String nodeId = env.string("DOCKHAND_NODE_ID", defaultNodeId());
    if (!nodeId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
      throw new ConfigException(
          "DOCKHAND_NODE_ID",
          "must be 1-63 letters, digits, '.', '_' or '-', got '" + nodeId + "'");
    }
    GitSettings git = GitSettings.from(env);
    Optional<URI> publicUrl = env.url("DOCKHAND_PUBLIC_URL");
    AuthSettings auth = AuthSettings.from(env);
    Optional<AppSettings> githubApp = AppSettings.from(env);
    if (githubApp.isPresent() && auth.access().closedToEveryone()) {
      throw new ConfigException(
          "DOCKHAND_ALLOWED_USERS",
          "the GitHub App is configured but neither DOCKHAND_ALLOWED_USERS nor"
              + " DOCKHAND_ALLOWED_ORGS names anyone who may ask it for work; set one (or"
              + " DOCKHAND_ALLOW_ANY_GITHUB_USER=true)");
    }
    return new Config(
        env.string("DOCKHAND_HOST", "127.0.0.1"),
        env.integer("DOCKHAND_PORT", 8080, 0, 65535),
        dataDir,
        dbUrl,
        publicUrl,
        nodeId,
        QueueSettings.from(env),
        SandboxSettings.from(env),
        AgentSettings.from(env),
        git,
        EgressSettings.from(env, git.allowedHosts()),
        EnvSettings.from(env),
        auth,
        PushSettings.from(env, publicUrl),
        StreamCaps.from(env),
        WebLimits.from(env),
        githubApp);
  }

  /** What the HTTP server takes from this configuration. */
  public ServerSettings server() {
    return new ServerSettings(
        host, port, publicUrl, web, streams, auth, git, egress.userAdd(), agent.ceilings());
  }

  public boolean postgres() {
    return dbUrl.startsWith("jdbc:postgresql:");
  }

  private static Map<String, String> readFile(Path path) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(path)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new ConfigException(CONFIG_FILE_KEY, "cannot read " + path + ": " + e.getMessage());
    }
    Map<String, String> values = new HashMap<>();
    properties.forEach((key, value) -> values.put(key.toString(), value.toString()));
    return values;
  }

  private static String defaultNodeId() {
    try {
      String name = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9_.-]", "-");
      return name.isEmpty() ? "node" : name.substring(0, Math.min(63, name.length()));
    } catch (UnknownHostException e) {
      return "node";
    }
  }
}
