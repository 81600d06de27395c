package dev.dockhand.git;

import dev.dockhand.config.Secret;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.SubmoduleConfig.FetchRecurseSubmodulesMode;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * The network half of a clone: which branches the server has, and fetching the ones a task needs
 * into the host's own bare repository. The URL and token are given per call, so neither is written
 * into the repository's config. Stateless.
 */
final class HostFetch {
  static final String REMOTE_PREFIX = Constants.R_REMOTES + "origin/";
  private static final String TOKEN_USER = "x-access-token";

  private HostFetch() {}

  /** The server's refs, HEAD included when it advertises it. */
  static Map<String, Ref> listRefs(RepoUrl repo, Secret token, CloneDeadline deadline)
      throws GitAPIException {
    return Git.lsRemoteRepository()
        .setRemote(repo.cloneUrl())
        .setCredentialsProvider(credentials(token))
        .setTimeout(deadline.timeoutSeconds())
        .callAsMap();
  }

  /** The branch HEAD names, else the branch HEAD's commit is on (main and master first). */
  static Optional<String> defaultBranch(Map<String, Ref> refs) {
    Ref head = refs.get(Constants.HEAD);
    if (head == null) {
      return Optional.empty();
    }
    if (head.isSymbolic()) {
      String target = head.getTarget().getName();
      return target.startsWith(Constants.R_HEADS) && refs.containsKey(target)
          ? Optional.of(target.substring(Constants.R_HEADS.length()))
          : Optional.empty();
    }
    ObjectId id = head.getObjectId();
    List<String> candidates = new ArrayList<>(List.of("main", "master"));
    refs.keySet().stream()
        .filter(name -> name.startsWith(Constants.R_HEADS))
        .map(name -> name.substring(Constants.R_HEADS.length()))
        .sorted()
        .forEach(candidates::add);
    return candidates.stream()
        .filter(name -> refs.containsKey(Constants.R_HEADS + name))
        .filter(name -> id != null && id.equals(refs.get(Constants.R_HEADS + name).getObjectId()))
        .findFirst();
  }

  /** Fetches {@code branches} to {@code refs/remotes/origin/<name>}, without tags. */
  static void fetch(
      Repository host,
      RepoUrl repo,
      Collection<String> branches,
      Secret token,
      CloneDeadline deadline)
      throws GitAPIException {
    List<RefSpec> specs =
        branches.stream()
            .map(name -> new RefSpec("+" + Constants.R_HEADS + name + ":" + REMOTE_PREFIX + name))
            .toList();
    try (Git git = Git.wrap(host)) {
      git.fetch()
          .setRemote(repo.cloneUrl())
          .setRefSpecs(specs)
          .setTagOpt(TagOpt.NO_TAGS)
          .setRecurseSubmodules(FetchRecurseSubmodulesMode.NO)
          .setCredentialsProvider(credentials(token))
          .setTimeout(deadline.timeoutSeconds())
          .setProgressMonitor(deadline)
          .call();
    }
  }

  static CredentialsProvider credentials(Secret token) {
    return new UsernamePasswordCredentialsProvider(TOKEN_USER, token.reveal());
  }
}
