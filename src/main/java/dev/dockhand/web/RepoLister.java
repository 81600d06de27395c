package dev.dockhand.web;

import dev.dockhand.auth.User;
import java.util.List;
import java.util.Optional;

/** The repositories a user may pick from when submitting a task ({@code GET /repos}). */
@FunctionalInterface
public interface RepoLister {
  List<Repo> list(User user);

  /** One repository, as the picker shows it. */
  record Repo(
      String fullName, String cloneUrl, Optional<String> defaultBranch, boolean isPrivate) {}

  /** Nothing to list; people type the URL. */
  RepoLister NONE = user -> List.of();
}
