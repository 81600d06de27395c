package dev.dockhand.git;

import dev.dockhand.config.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ConfigConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;

/**
 * Makes a {@link GitWorkspace}: fetches with the token into the host's bare repository, whose
 * housekeeping never starts on its own, and writes the container's {@code .git} into the worktree
 * ({@link ContainerGitDir}). A failed clone leaves both directories empty. Stateless.
 */
final class WorkspaceClone {
  private WorkspaceClone() {}

  static GitWorkspace clone(
      RepoUrl repo,
      Optional<String> branch,
      Optional<String> taskBranch,
      Path repoDir,
      Path workTree,
      Secret token,
      WorkspaceLimits limits) {
    branch.ifPresent(RefNames::requireBranch);
    taskBranch.ifPresent(RefNames::requireBranch);
    if (repoDir.toAbsolutePath().normalize().startsWith(workTree.toAbsolutePath().normalize())) {
      throw new IllegalArgumentException("the host repository must be outside the worktree");
    }
    prepareEmpty(repoDir);
    prepareEmpty(workTree);
    CloneDeadline deadline = CloneDeadline.start(limits.cloneDeadline());
    try {
      return fetched(repo, branch, taskBranch, repoDir, workTree, token, limits, deadline);
    } catch (RuntimeException | IOException | org.eclipse.jgit.api.errors.GitAPIException e) {
      clear(repoDir);
      clear(workTree);
      throw failure(e, repo, branch, deadline);
    }
  }

  private static GitWorkspace fetched(
      RepoUrl repo,
      Optional<String> branch,
      Optional<String> taskBranch,
      Path repoDir,
      Path workTree,
      Secret token,
      WorkspaceLimits limits,
      CloneDeadline deadline)
      throws IOException, org.eclipse.jgit.api.errors.GitAPIException {
    Map<String, Ref> refs = HostFetch.listRefs(repo, token, deadline);
    String base =
        branch.isPresent()
            ? branch.get()
            : HostFetch.defaultBranch(refs).orElseThrow(() -> GitException.emptyRepository(repo));
    if (!refs.containsKey(Constants.R_HEADS + base)) {
      throw branch.isPresent()
          ? GitException.branchNotFound(repo, base)
          : GitException.emptyRepository(repo);
    }
    if (!Repository.isValidRefName(Constants.R_HEADS + base)) {
      throw GitException.workspace("the default branch has a name git does not accept");
    }
    Optional<String> resume =
        taskBranch
            .filter(name -> !name.equals(base))
            .filter(name -> refs.containsKey(Constants.R_HEADS + name));
    List<String> wanted = resume.map(task -> List.of(base, task)).orElse(List.of(base));
    try (Git git = initBare(repoDir)) {
      Repository host = git.getRepository();
      HostFetch.fetch(host, repo, wanted, token, deadline);
      Map<String, ObjectId> tips = new LinkedHashMap<>();
      for (String name : wanted) {
        Ref fetched = host.exactRef(HostFetch.REMOTE_PREFIX + name);
        if (fetched == null) {
          throw GitException.branchNotFound(repo, name);
        }
        tips.put(name, fetched.getObjectId());
      }
      ObjectId baseTip = tips.get(base);
      ObjectId head = resume.map(tips::get).orElse(baseTip);
      ObjectId baseCommit =
          resume.isPresent() ? mergeBase(host, baseTip, head).orElse(baseTip) : baseTip;
      ContainerGitDir.write(repoDir, workTree, repo.cloneUrl(), tips, resume.orElse(base), head);
      return new GitWorkspace(repo, repoDir, workTree, base, baseCommit.name(), head, limits);
    }
  }

  private static RuntimeException failure(
      Exception e, RepoUrl repo, Optional<String> branch, CloneDeadline deadline) {
    if (e instanceof GitException known) {
      return known;
    }
    if (TransportErrors.noSpace(e)) {
      return GitException.diskFull("the repository");
    }
    if (deadline.passed()) {
      return deadline.exceeded();
    }
    if (e instanceof IOException local) {
      // JGit wraps what goes wrong on the wire; a bare IOException came from the host's disk.
      return GitException.hostDisk(local.getClass().getSimpleName());
    }
    return TransportErrors.translate(e, repo, branch);
  }

  /**
   * A bare repository whose housekeeping never runs on its own: a task's repository lives for one
   * attempt, and an automatic gc would only race the task's own writes and deletion.
   */
  private static Git initBare(Path repoDir)
      throws org.eclipse.jgit.api.errors.GitAPIException, IOException {
    Git git =
        Git.init().setBare(true).setDirectory(repoDir.toFile()).setFs(HooklessFs.INSTANCE).call();
    try {
      StoredConfig config = git.getRepository().getConfig();
      config.setInt(ConfigConstants.CONFIG_GC_SECTION, null, ConfigConstants.CONFIG_KEY_AUTO, 0);
      config.setBoolean("maintenance", null, ConfigConstants.CONFIG_KEY_AUTO, false);
      config.save();
      return git;
    } catch (IOException e) {
      git.close();
      throw e;
    }
  }

  private static Optional<ObjectId> mergeBase(Repository repository, ObjectId one, ObjectId other)
      throws IOException {
    try (RevWalk walk = new RevWalk(repository)) {
      walk.setRevFilter(RevFilter.MERGE_BASE);
      walk.markStart(walk.parseCommit(one));
      walk.markStart(walk.parseCommit(other));
      return Optional.ofNullable(walk.next()).map(ObjectId::toObjectId);
    }
  }

  private static void prepareEmpty(Path dir) {
    try {
      Files.createDirectories(dir);
      try (var entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw GitException.workspace("the clone directory is not empty");
        }
      }
    } catch (IOException e) {
      String fault = e.getClass().getSimpleName();
      throw GitException.hostDisk("cannot create the clone directory (" + fault + ")");
    }
  }

  /** Removes what a failed clone left, keeping the (empty) directory itself; follows no link. */
  private static void clear(Path dir) {
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path visited, IOException failure)
                throws IOException {
              if (!visited.equals(dir)) {
                Files.delete(visited);
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear the failed clone in " + dir, e);
    }
  }
}
