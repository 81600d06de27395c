package dev.dockhand.auth;

import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import dev.dockhand.config.Secret;
import java.util.Optional;

/**
 * How people sign in.
 *
 * @param githubClientId GITHUB_CLIENT_ID: with the secret, turns on GitHub login; without, local
 *     mode
 * @param githubClientSecret GITHUB_CLIENT_SECRET
 * @param secretKey DOCKHAND_SECRET_KEY: base64 AES key for tokens at rest; generated into the data
 *     dir when absent
 */
public record AuthSettings(
    Optional<String> githubClientId,
    Optional<Secret> githubClientSecret,
    Optional<Secret> secretKey) {

  public static AuthSettings from(Env env) {
    AuthSettings settings =
        new AuthSettings(
            env.optional("GITHUB_CLIENT_ID"),
            env.secret("GITHUB_CLIENT_SECRET"),
            env.secret("DOCKHAND_SECRET_KEY"));
    if (settings.githubClientId.isPresent() != settings.githubClientSecret.isPresent()) {
      String missing =
          settings.githubClientId.isPresent() ? "GITHUB_CLIENT_SECRET" : "GITHUB_CLIENT_ID";
      throw new ConfigException(missing, "is required when the other GitHub OAuth key is set");
    }
    return settings;
  }

  /** No GitHub OAuth app: one local user signs in with the admin token. */
  public boolean localMode() {
    return githubClientId.isEmpty();
  }
}
