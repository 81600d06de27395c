package dev.dockhand.git;

import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Where repositories may come from and where pull requests go.
 *
 * @param allowedHosts DOCKHAND_GIT_HOSTS (default github.com): host[:port] entries,
 *     comma-separated; an entry without a port admits the scheme's default port only
 * @param allowHttp DOCKHAND_ALLOW_HTTP_GIT (default false): allow plain http:// remotes (tests)
 * @param localToken DOCKHAND_GIT_TOKEN: the git token used in local mode
 * @param githubUrl GITHUB_URL (default https://github.com): its host is where {@code owner/name}
 *     points and where pull requests are opened through the API
 * @param githubApiUrl GITHUB_API_URL (default https://api.github.com): the REST API base
 */
public record GitSettings(
    List<String> allowedHosts,
    boolean allowHttp,
    Optional<Secret> localToken,
    URI githubUrl,
    URI githubApiUrl) {

  public static GitSettings from(Env env) {
    List<String> hosts = env.list("DOCKHAND_GIT_HOSTS", "github.com");
    for (String entry : hosts) {
      if (RepoUrl.HostPort.parse(entry).isEmpty()) {
        throw new ConfigException(
            "DOCKHAND_GIT_HOSTS", "entries must be host or host:port, got '" + entry + "'");
      }
    }
    return new GitSettings(
        hosts,
        env.bool("DOCKHAND_ALLOW_HTTP_GIT", false),
        env.secret("DOCKHAND_GIT_TOKEN"),
        env.url("GITHUB_URL", "https://github.com"),
        env.url("GITHUB_API_URL", "https://api.github.com"));
  }
}
