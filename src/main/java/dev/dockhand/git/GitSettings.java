package dev.dockhand.git;

import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Where repositories may come from and where pull requests go.
 *
 * @param allowedHosts DOCKHAND_GIT_HOSTS (default github.com): host[:port] entries, comma-separated
 * @param allowHttp DOCKHAND_ALLOW_HTTP_GIT (default false): allow plain http:// remotes
 * @param localToken DOCKHAND_GIT_TOKEN: the git token used in local mode
 * @param githubUrl GITHUB_URL (default https://github.com)
 * @param githubApiUrl GITHUB_API_URL (default https://api.github.com)
 */
public record GitSettings(
    List<String> allowedHosts,
    boolean allowHttp,
    Optional<Secret> localToken,
    URI githubUrl,
    URI githubApiUrl) {

  public static GitSettings from(Env env) {
    return new GitSettings(
        env.list("DOCKHAND_GIT_HOSTS", "github.com"),
        env.bool("DOCKHAND_ALLOW_HTTP_GIT", false),
        env.secret("DOCKHAND_GIT_TOKEN"),
        env.url("GITHUB_URL", "https://github.com"),
        env.url("GITHUB_API_URL", "https://api.github.com"));
  }
}
