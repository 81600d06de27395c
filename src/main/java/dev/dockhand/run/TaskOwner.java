package dev.dockhand.run;

import dev.dockhand.config.Secret;
import dev.dockhand.git.GitIdentity;
import java.util.Optional;

/** Who a task runs for: credited as co-author, and whose git token clones and pushes. */
public record TaskOwner(GitIdentity identity, Optional<Secret> gitToken) {

  /** Finds the owner of a user's tasks. Implementations are thread-safe. */
  @FunctionalInterface
  public interface Lookup {
    TaskOwner of(long userId);
  }
}
