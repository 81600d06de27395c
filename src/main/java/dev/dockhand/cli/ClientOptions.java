package dev.dockhand.cli;

import dev.dockhand.config.Secret;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Where the client finds the server and its token: a flag, else the environment ({@code
 * DOCKHAND_URL}, {@code DOCKHAND_TOKEN}), else {@code ~/.config/dockhand/cli.properties} ({@code
 * url=…}, {@code token=…}), else http://127.0.0.1:8080 and the local admin token in ./data.
 */
public final class ClientOptions {
  @Option(
      names = "--server",
      paramLabel = "URL",
      description = "Server URL (env DOCKHAND_URL; default http://127.0.0.1:8080)")
  String server;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "API token (env DOCKHAND_TOKEN; default ./data/admin-token in local mode)")
  String token;

  ApiClient client() {
    return client(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  ApiClient client(Map<String, String> env, Path home) {
    Properties file = readFile(home.resolve(".config/dockhand/cli.properties"));
    String url =
        first(server, env.get("DOCKHAND_URL"), file.getProperty("url"))
            .orElse("http://127.0.0.1:8080");
    Optional<String> bearer =
        first(token, env.get("DOCKHAND_TOKEN"), file.getProperty("token"))
            .or(() -> readToken(Path.of(env.getOrDefault("DOCKHAND_DATA_DIR", "data"))));
    URI base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    if (base.getScheme() == null || !base.getScheme().startsWith("http")) {
      throw new CliException("--server must be an http(s) URL, got '" + url + "'");
    }
    return new ApiClient(
        base,
        bearer
            .map(Secret::new)
            .orElseThrow(
                () ->
                    new CliException(
                        "no API token: pass --token, set DOCKHAND_TOKEN, or run in the server's"
                            + " directory (local mode writes data/admin-token)")));
  }

  private static Optional<String> first(String... candidates) {
    for (String candidate : candidates) {
      if (candidate != null && !candidate.isBlank()) {
        return Optional.of(candidate.trim());
      }
    }
    return Optional.empty();
  }

  private static Optional<String> readToken(Path dataDir) {
    Path file = dataDir.resolve("admin-token");
    try {
      return Files.isReadable(file) ? first(Files.readString(file)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Properties readFile(Path path) {
    Properties properties = new Properties();
    if (Files.isReadable(path)) {
      try (Reader reader = Files.newBufferedReader(path)) {
        properties.load(reader);
      } catch (IOException e) {
        throw new CliException("cannot read " + path + ": " + e.getMessage());
      }
    }
    return properties;
  }
}
