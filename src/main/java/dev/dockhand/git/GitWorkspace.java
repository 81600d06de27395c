package dev.dockhand.git;

import dev.dockhand.config.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.api.CloneCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.revwalk.filter.RevFilter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * A task's clone on the coordinator's disk. The token is handed to JGit per call and is never
 * written: not into {@code .git/config}, not into any file, message or exception. Once the agent
 * has had the directory, every host-side call first {@linkplain WorkspaceGuard secures} it, and
 * JGit runs no hooks. Instances are not thread-safe: one task uses its workspace from one thread.
 */
public final class GitWorkspace {
  /** Seconds JGit waits on a silent connection before giving up. */
  static final int NETWORK_TIMEOUT_SECONDS = 120;

  /** A diff beyond this many characters is cut, so one task cannot bloat the store. */
  static final int MAX_DIFF_CHARS = 5_000_000;

  private static final String TOKEN_USER = "x-access-token";

  private final Path dir;
  private final RepoUrl repo;
  private final String baseBranch;
  private final String baseCommit;
  private final String trustedConfig;

  private GitWorkspace(
      Path dir, RepoUrl repo, String baseBranch, String baseCommit, String config) {
    this.dir = dir;
    this.repo = repo;
    this.baseBranch = baseBranch;
    this.baseCommit = baseCommit;
    this.trustedConfig = config;
  }

  /**
   * Clones {@code branch} (or the default branch) of {@code repo} into {@code dir}, which must be
   * absent or empty; a failed clone leaves it empty.
   */
  public static GitWorkspace clone(RepoUrl repo, Optional<String> branch, Path dir, Secret token) {
    return clone(repo, branch, Optional.empty(), dir, token);
  }

  /**
   * Like {@link #clone(RepoUrl, Optional, Path, Secret)}, but when {@code taskBranch} already
   * exists on the server (a follow-up to a task that pushed before) the work tree starts from it.
   * The base branch still names where the task began and the base commit is where the task branch
   * left it, so the diff and the pull request cover all of the task's work.
   */
  public static GitWorkspace clone(
      RepoUrl repo, Optional<String> branch, Optional<String> taskBranch, Path dir, Secret token) {
    branch.ifPresent(RefNames::requireBranch);
    taskBranch.ifPresent(RefNames::requireBranch);
    prepareEmpty(dir);
    try {
      Set<String> heads =
          branch.isPresent() || taskBranch.isPresent() ? remoteHeads(repo, token) : Set.of();
      if (branch.isPresent() && !heads.contains(Constants.R_HEADS + branch.get())) {
        throw GitException.branchNotFound(repo, branch.get());
      }
      Optional<String> resume = taskBranch.filter(name -> heads.contains(Constants.R_HEADS + name));
      try (Git git = cloneCommand(repo, branch, resume, dir, token).call()) {
        return checkedOut(git, repo, branch, resume, dir);
      }
    } catch (GitException e) {
      clear(dir);
      throw e;
    } catch (Exception e) {
      clear(dir);
      throw TransportErrors.translate(e, repo, branch);
    }
  }

  private static Set<String> remoteHeads(RepoUrl repo, Secret token) throws GitAPIException {
    return Git.lsRemoteRepository()
        .setRemote(repo.cloneUrl())
        .setCredentialsProvider(credentials(token))
        .setTimeout(NETWORK_TIMEOUT_SECONDS)
        .setHeads(true)
        .callAsMap()
        .keySet();
  }

  private static CloneCommand cloneCommand(
      RepoUrl repo, Optional<String> branch, Optional<String> resume, Path dir, Secret token) {
    CloneCommand clone =
        Git.cloneRepository()
            .setURI(repo.cloneUrl())
            .setDirectory(dir.toFile())
            .setFs(HooklessFs.INSTANCE)
            .setCredentialsProvider(credentials(token))
            .setTimeout(NETWORK_TIMEOUT_SECONDS)
            .setCloneSubmodules(false);
    // Without a named base every branch comes along, the task's own included.
    branch.ifPresent(
        name -> {
          List<String> wanted = new ArrayList<>(List.of(Constants.R_HEADS + name));
          resume.ifPresent(task -> wanted.add(Constants.R_HEADS + task));
          clone.setBranch(name).setBranchesToClone(wanted);
        });
    return clone;
  }

  private static GitWorkspace checkedOut(
      Git git, RepoUrl repo, Optional<String> branch, Optional<String> resume, Path dir)
      throws IOException, GitAPIException {
    Repository repository = git.getRepository();
    ObjectId baseTip = repository.resolve(Constants.HEAD);
    if (baseTip == null) {
      throw branch
          .map(name -> GitException.branchNotFound(repo, name))
          .orElseGet(() -> GitException.emptyRepository(repo));
    }
    String baseBranch = repository.getBranch();
    ObjectId base = baseTip;
    if (resume.isPresent()) {
      ObjectId taskTip = repository.resolve(Constants.R_REMOTES + "origin/" + resume.get());
      git.checkout()
          .setCreateBranch(true)
          .setName(resume.get())
          .setStartPoint(taskTip.name())
          .call();
      base = mergeBase(repository, baseTip, taskTip).orElse(baseTip);
    }
    String config = Files.readString(dir.resolve(".git").resolve("config"));
    return new GitWorkspace(dir, repo, baseBranch, base.name(), config);
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

  public Path dir() {
    return dir;
  }

  public RepoUrl repo() {
    return repo;
  }

  /** The branch the clone started from: the one asked for, or the repository's default. */
  public String baseBranch() {
    return baseBranch;
  }

  /** The commit the clone started from. */
  public String baseCommit() {
    return baseCommit;
  }

  /**
   * Stages every change the {@code .gitignore} files allow (additions, edits, deletions) and
   * commits it as {@code author} with {@code coAuthor} credited in a trailer. Returns the head
   * commit when it differs from the base (also when the agent committed by itself), empty when the
   * task changed nothing.
   */
  public Optional<String> commitAll(String message, GitIdentity author, GitIdentity coAuthor) {
    WorkspaceGuard.secure(dir, trustedConfig);
    try (Git git = new Git(open())) {
      git.add().addFilepattern(".").setAll(true).call();
      Status status = git.status().call();
      if (!status.getAdded().isEmpty()
          || !status.getChanged().isEmpty()
          || !status.getRemoved().isEmpty()) {
        git.commit()
            .setMessage(message.strip() + "\n\n" + coAuthor.coAuthorTrailer() + "\n")
            .setAuthor(author.toPersonIdent())
            .setCommitter(author.toPersonIdent())
            .setNoVerify(true)
            .setSign(false)
            .call();
      }
      ObjectId head = git.getRepository().resolve(Constants.HEAD);
      return head == null || head.name().equals(baseCommit)
          ? Optional.empty()
          : Optional.of(head.name());
    } catch (GitException e) {
      throw e;
    } catch (Exception e) {
      throw GitException.workspace("commit failed (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * Pushes HEAD to {@code refs/heads/<branch>}, replacing whatever is there: the branch belongs to
   * the task, and a retry pushes again. Returns the pushed commit.
   */
  public String push(String branch, Secret token) {
    RefNames.requireBranch(branch);
    WorkspaceGuard.secure(dir, trustedConfig);
    try (Repository repository = open();
        // The URL, not the "origin" remote: the agent could have pointed origin anywhere.
        Transport transport = Transport.open(repository, new URIish(repo.cloneUrl()))) {
      transport.setCredentialsProvider(credentials(token));
      transport.setTimeout(NETWORK_TIMEOUT_SECONDS);
      ObjectId head = repository.resolve(Constants.HEAD);
      if (head == null) {
        throw GitException.workspace("there is no commit to push");
      }
      String remoteRef = Constants.R_HEADS + branch;
      RemoteRefUpdate update =
          new RemoteRefUpdate(repository, null, head, remoteRef, true, null, null);
      PushResult result = transport.push(NullProgressMonitor.INSTANCE, List.of(update));
      PushOutcome.check(result.getRemoteUpdate(remoteRef), branch, result.getMessages());
      return head.name();
    } catch (GitException e) {
      throw e;
    } catch (IOException | URISyntaxException e) {
      throw TransportErrors.translate(e, repo, Optional.empty());
    }
  }

  /** The changes from {@code fromCommit} to {@code toCommit} as a unified diff. */
  public String diff(String fromCommit, String toCommit) {
    WorkspaceGuard.secure(dir, trustedConfig);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Repository repository = open();
        RevWalk walk = new RevWalk(repository);
        DiffFormatter formatter = new DiffFormatter(out)) {
      formatter.setRepository(repository);
      formatter.setDetectRenames(true);
      formatter.format(
          walk.parseCommit(ObjectId.fromString(fromCommit)).getTree(),
          walk.parseCommit(ObjectId.fromString(toCommit)).getTree());
    } catch (IOException | IllegalArgumentException e) {
      throw GitException.workspace(
          "cannot compute the diff (" + e.getClass().getSimpleName() + ")");
    }
    String diff = out.toString(StandardCharsets.UTF_8);
    return diff.length() <= MAX_DIFF_CHARS
        ? diff
        : diff.substring(0, MAX_DIFF_CHARS) + "\n# diff cut at " + MAX_DIFF_CHARS + " characters\n";
  }

  private Repository open() throws IOException {
    return new FileRepositoryBuilder()
        .setGitDir(dir.resolve(".git").toFile())
        .setWorkTree(dir.toFile())
        .setFS(HooklessFs.INSTANCE)
        .setMustExist(true)
        .build();
  }

  private static CredentialsProvider credentials(Secret token) {
    return new UsernamePasswordCredentialsProvider(TOKEN_USER, token.reveal());
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
      throw new UncheckedIOException("cannot create the clone directory " + dir, e);
    }
  }

  /** Removes what a failed clone left, keeping the (empty) directory itself. */
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
