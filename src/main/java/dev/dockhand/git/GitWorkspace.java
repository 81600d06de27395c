package dev.dockhand.git;

import dev.dockhand.config.Secret;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.Deflater;
import org.eclipse.jgit.internal.storage.file.ObjectDirectory;
import org.eclipse.jgit.internal.storage.file.PackInserter;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;

/**
 * A task's repository, in two places. {@code repoDir} is the host's own bare repository, never
 * mounted into a container: it holds the objects fetched with the token and the commits made on the
 * host, and the host keeps its own record of the working head. {@code workTree} is what the
 * container gets at /workspace: a throwaway {@code .git} made from the host's repository, and the
 * files, which only the sandbox checks out ({@link #checkoutCommand()}). After the agent the host
 * commits the worktree's files, and never reads, follows or parses anything in the worktree's
 * {@code .git}: the agent's own commits, branches and staging are not carried over, only its files.
 * The token is handed to JGit per call and never written anywhere. Instances are not thread-safe:
 * one task uses its workspace from one thread.
 */
public final class GitWorkspace {
  /** Seconds JGit waits on a silent connection before giving up. */
  static final int NETWORK_TIMEOUT_SECONDS = 120;

  /** A diff beyond this many characters is cut, so one task cannot bloat the store. */
  static final int MAX_DIFF_CHARS = 5_000_000;

  private final RepoUrl repo;
  private final Path repoDir;
  private final Path workTree;
  private final String baseBranch;
  private final String baseCommit;
  private final WorkspaceLimits limits;
  private ObjectId head;
  private final ObjectId start;

  GitWorkspace(
      RepoUrl repo,
      Path repoDir,
      Path workTree,
      String baseBranch,
      String baseCommit,
      ObjectId head,
      WorkspaceLimits limits) {
    this.repo = repo;
    this.repoDir = repoDir;
    this.workTree = workTree;
    this.baseBranch = baseBranch;
    this.baseCommit = baseCommit;
    this.head = head;
    this.start = head;
    this.limits = limits;
  }

  /**
   * Fetches {@code branch} (or the default branch) of {@code repo} into {@code repoDir} and writes
   * the container's {@code .git} into {@code workTree}; both must be absent or empty, and a failed
   * clone leaves them empty. When {@code taskBranch} already exists on the server (a follow-up to a
   * task that pushed before) the work continues from it: the base branch still names where the task
   * began and the base commit is where the task branch left it (their merge base), so the diff and
   * the pull request cover all of the task's work.
   *
   * @param repoDir host-only: never mount it into a container
   * @param workTree mounted at /workspace; run {@link #checkoutCommand()} there in the container
   */
  public static GitWorkspace clone(
      RepoUrl repo,
      Optional<String> branch,
      Optional<String> taskBranch,
      Path repoDir,
      Path workTree,
      Secret token,
      WorkspaceLimits limits) {
    return WorkspaceClone.clone(repo, branch, taskBranch, repoDir, workTree, token, limits);
  }

  /**
   * What the lead runs inside the container, as the sandbox user in /workspace, before the agent:
   * it checks the working branch out of the {@code .git} the clone wrote. The repository is
   * hostile, so it is only ever materialised there. No hooks, no fsmonitor; the config the clone
   * wrote names no filter, so none runs.
   */
  public List<String> checkoutCommand() {
    return List.of(
        "git",
        "-c",
        "core.hooksPath=/dev/null",
        "-c",
        "core.fsmonitor=false",
        "-c",
        "safe.directory=*",
        "reset",
        "--hard",
        "--quiet",
        "HEAD");
  }

  /**
   * A regular file of the commit the task starts from, read from the host's own objects (never the
   * work tree): at most {@code maxBytes + 1} bytes, so a caller can tell a file over its cap.
   */
  public Optional<byte[]> startFile(String path, int maxBytes) {
    try (Repository repository = openHost()) {
      return StartFiles.read(repository, start, path, maxBytes);
    } catch (IOException e) {
      throw GitException.workspace(
          "cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** The regular files directly in {@code dir} of the starting commit, at most {@code max}. */
  public List<String> startDirectory(String dir, int max) {
    try (Repository repository = openHost()) {
      return StartFiles.list(repository, start, dir, max);
    } catch (IOException e) {
      throw GitException.workspace(
          "cannot list " + dir + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** The commit the work tree was checked out at: a follow-up's branch head, else the base. */
  public String startCommit() {
    return start.name();
  }

  /** The host-only repository. */
  public Path repoDir() {
    return repoDir;
  }

  /** The directory mounted at /workspace. */
  public Path workTree() {
    return workTree;
  }

  public RepoUrl repo() {
    return repo;
  }

  /** The branch the clone started from: the one asked for, or the repository's default. */
  public String baseBranch() {
    return baseBranch;
  }

  /** The commit the task started from (for a follow-up, where its branch left the base). */
  public String baseCommit() {
    return baseCommit;
  }

  /**
   * Commits the worktree's files (additions, edits, deletions, modes and links, less what the
   * {@code .gitignore} files ignore and the base did not track) on top of the host's own head, as
   * {@code author} with {@code coAuthor} credited in a trailer; see {@link WorktreeTree} for what
   * counts. Commits the agent made inside the container are not carried over, only its files.
   * Returns the head when it differs from the base (a follow-up's head already does), empty when
   * the task changed nothing. Call it only once the container is gone.
   */
  public Optional<String> commitAll(String message, GitIdentity author, GitIdentity coAuthor) {
    try (Repository repository = openHost();
        ObjectInserter inserter = packInserter(repository);
        ObjectReader reader = repository.newObjectReader();
        RevWalk walk = new RevWalk(reader)) {
      RevCommit parent = walk.parseCommit(head);
      ObjectId tree = WorktreeTree.build(workTree, parent.getTree(), inserter, reader, limits);
      if (!tree.equals(parent.getTree())) {
        CommitBuilder commit = new CommitBuilder();
        commit.setTreeId(tree);
        commit.setParentId(parent);
        commit.setAuthor(author.toPersonIdent());
        commit.setCommitter(author.toPersonIdent());
        commit.setMessage(message.strip() + "\n\n" + coAuthor.coAuthorTrailer() + "\n");
        ObjectId id = inserter.insert(commit);
        inserter.flush();
        head = id;
      }
      return head.name().equals(baseCommit) ? Optional.empty() : Optional.of(head.name());
    } catch (GitException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      if (TransportErrors.noSpace(e)) {
        throw GitException.diskFull("the commit");
      }
      throw GitException.workspace("commit failed (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * Writes the commit's new objects as one pack. Loose objects would cost a file each on the task's
   * disk, an inode and at least a 4 KiB block even for a one-line file, so a worktree of many small
   * files needed as much room again to be committed, and creating and renaming a file per object
   * made such a commit take minutes. A pack costs about the compressed size, and the push sends its
   * objects as they are. A failed commit leaves no pack behind (close rolls back).
   */
  private static ObjectInserter packInserter(Repository repository) {
    if (repository.getObjectDatabase() instanceof ObjectDirectory objects) {
      PackInserter inserter = objects.newPackInserter();
      inserter.setCompressionLevel(Deflater.DEFAULT_COMPRESSION);
      return inserter;
    }
    return repository.newObjectInserter();
  }

  /**
   * Pushes the host's head to {@code refs/heads/<branch>}, replacing whatever is there: the branch
   * belongs to the task, and a retry pushes again. Returns the pushed commit.
   */
  public String push(String branch, Secret token) {
    return push(branch, token, true);
  }

  /**
   * Pushes the host's head to {@code refs/heads/<branch>} only where that moves the branch forward:
   * a branch someone else also pushes to (a pull request's head) keeps what they pushed, and the
   * push is rejected instead.
   */
  public String pushFastForward(String branch, Secret token) {
    return push(branch, token, false);
  }

  private String push(String branch, Secret token, boolean force) {
    RefNames.requireBranch(branch);
    try (Repository repository = openHost();
        Transport transport = Transport.open(repository, new URIish(repo.cloneUrl()))) {
      transport.setCredentialsProvider(HostFetch.credentials(token));
      transport.setTimeout(NETWORK_TIMEOUT_SECONDS);
      String remoteRef = Constants.R_HEADS + branch;
      RemoteRefUpdate update =
          new RemoteRefUpdate(repository, null, head, remoteRef, force, null, null);
      PushResult result = transport.push(NullProgressMonitor.INSTANCE, List.of(update));
      PushOutcome.check(result.getRemoteUpdate(remoteRef), branch, result.getMessages());
      return head.name();
    } catch (GitException e) {
      throw e;
    } catch (IOException | URISyntaxException e) {
      throw TransportErrors.translate(e, repo, Optional.empty());
    }
  }

  /**
   * The changes from {@code fromCommit} to {@code toCommit} in the host's repository as a unified
   * diff, cut at {@value #MAX_DIFF_CHARS} characters with a closing line saying so.
   */
  public String diff(String fromCommit, String toCommit) {
    try (Repository repository = openHost()) {
      return CappedDiff.between(
          repository,
          ObjectId.fromString(fromCommit),
          ObjectId.fromString(toCommit),
          MAX_DIFF_CHARS);
    } catch (IOException | IllegalArgumentException e) {
      throw GitException.workspace(
          "cannot compute the diff (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * The files changed from {@code fromCommit} to {@code toCommit}: the first {@code max} counted.
   */
  public ChangedFiles changedFiles(String fromCommit, String toCommit, int max) {
    try (Repository repository = openHost()) {
      return ChangedFiles.between(
          repository, ObjectId.fromString(fromCommit), ObjectId.fromString(toCommit), max);
    } catch (IOException | IllegalArgumentException e) {
      throw GitException.workspace(
          "cannot list the changed files (" + e.getClass().getSimpleName() + ")");
    }
  }

  private Repository openHost() throws IOException {
    return new FileRepositoryBuilder()
        .setGitDir(repoDir.toFile())
        .setBare()
        .setFS(HooklessFs.INSTANCE)
        .setMustExist(true)
        .build();
  }
}
