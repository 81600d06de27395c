package dev.dockhand.env;

import java.util.Optional;

/**
 * Resolves the environment a task runs with: the owner's saved settings for the repository, else
 * the repository's devcontainer.json at the commit the task starts from, else nothing. Thread-safe.
 */
public final class Environments {
  private final EnvironmentStore store;

  public Environments(EnvironmentStore store) {
    this.store = store;
  }

  /** Reads one file of the starting commit, at most {@code maxBytes + 1} bytes of it. */
  @FunctionalInterface
  public interface StartFiles {
    Optional<byte[]> read(String path, int maxBytes);
  }

  /**
   * @throws DevContainer.Unreadable when the repository's devcontainer.json is there but unusable:
   *     a task told to use it should not run as if it were not
   */
  public RepoEnvironment resolve(long userId, String cloneUrl, StartFiles files)
      throws DevContainer.Unreadable {
    Optional<EnvironmentStore.Saved> saved = store.find(userId, cloneUrl);
    if (saved.isPresent()) {
      return RepoEnvironment.of(saved.get().settings());
    }
    for (String file : DevContainer.FILES) {
      Optional<byte[]> content = files.read(file, DevContainer.MAX_BYTES);
      if (content.isPresent()) {
        return DevContainer.parse(file, content.get());
      }
    }
    return RepoEnvironment.NONE;
  }
}
