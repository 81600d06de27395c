package dev.dockhand.auth;

import dev.dockhand.config.ConfigException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Local mode's first start: an admin-scoped API token for the local user, written to {@code <data
 * dir>/admin-token} (mode 0600). Deleting that file makes the next start issue a new token.
 */
final class LocalAdmin {
  static final String FILE_NAME = "admin-token";

  private LocalAdmin() {}

  /** The new token when this start created one (to print once), else empty. */
  static Optional<String> ensure(Path dataDir, Users users, ApiTokens tokens) {
    Path file = dataDir.resolve(FILE_NAME);
    if (Files.exists(file)) {
      return Optional.empty();
    }
    User local = users.local();
    ApiToken.Created created = tokens.create(local.id(), "admin", Scope.ADMIN, Optional.empty());
    try {
      OwnerOnlyFiles.create(file, created.secret() + "\n");
    } catch (FileAlreadyExistsException raced) {
      tokens.revoke(local.id(), created.token().id());
      return Optional.empty();
    } catch (IOException e) {
      tokens.revoke(local.id(), created.token().id());
      throw new ConfigException(
          "DOCKHAND_DATA_DIR", "cannot write " + file + ": " + e.getMessage());
    }
    return Optional.of(created.secret());
  }
}
