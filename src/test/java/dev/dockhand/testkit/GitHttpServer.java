package dev.dockhand.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dockhand.sandbox.TestTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * A real git server over smart HTTP on loopback: {@code git http-backend} run as a CGI behind the
 * JDK HTTP server, serving bare repositories from a temporary directory, with pushes enabled. Every
 * request must carry {@code Authorization: Basic} whose password is the configured token (any user
 * name); anything else gets 401 with a Basic challenge, as GitHub does. Repositories are named
 * {@code owner/name}. Thread-safe.
 *
 * <pre>{@code
 * try (GitHttpServer git = GitHttpServer.start("token-1")) {
 *   git.createRepo("acme/widgets", Map.of("README.md", "hello\n"));
 *   String url = git.url("acme/widgets"); // http://127.0.0.1:<port>/acme/widgets.git
 * }
 * }</pre>
 */
public final class GitHttpServer implements AutoCloseable {
  private static final PersonIdent SEED_AUTHOR = new PersonIdent("Seed", "seed@example.invalid");

  private final String token;
  private final Path root;
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final Set<String> accepted = ConcurrentHashMap.newKeySet();
  private final Set<String> used = ConcurrentHashMap.newKeySet();
  private ExecutorService executor;
  private HttpServer server;
  private volatile boolean refuseStartToken;

  /** One request as the server saw it; {@code user} is empty when it was refused. */
  public record Request(String method, String path, Optional<String> user) {}

  /** A commit on a branch, read back on the server side. */
  public record CommitInfo(
      String id, String message, PersonIdent author, PersonIdent committer, List<String> parents) {}

  public GitHttpServer(String token) {
    this.token = token;
    try {
      this.root = Files.createTempDirectory("dockhand-git-server");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A started server that accepts {@code token}. */
  public static GitHttpServer start(String token) {
    return new GitHttpServer(token).start();
  }

  public GitHttpServer start() {
    try {
      executor = Executors.newVirtualThreadPerTaskExecutor();
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", this::handle);
      server.setExecutor(executor);
      server.start();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String token() {
    return token;
  }

  /** {@code 127.0.0.1:<port>}, the entry DOCKHAND_GIT_HOSTS needs. */
  public String hostAndPort() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** The base URL, {@code http://127.0.0.1:<port>}. */
  public String baseUrl() {
    return "http://" + hostAndPort();
  }

  /** The clone URL of {@code owner/name}. */
  public String url(String repo) {
    return baseUrl() + "/" + repo + ".git";
  }

  /**
   * Configuration that points Dockhand's git side here: this host allowed, plain http allowed, and
   * GITHUB_URL set to this server so {@code owner/name} means a repository served here.
   */
  public Map<String, String> environment() {
    return Map.of(
        "DOCKHAND_GIT_HOSTS", hostAndPort(),
        "DOCKHAND_ALLOW_HTTP_GIT", "true",
        "GITHUB_URL", baseUrl());
  }

  /**
   * Also lets {@code other} in, as GitHub lets an App's installation token in beside a person's;
   * {@link #onlyAccept} can then take the configured one away.
   */
  public void acceptToken(String other) {
    accepted.add(other);
  }

  /** Refuses the token the server started with: only those given to {@link #acceptToken} work. */
  public void onlyAccept() {
    refuseStartToken = true;
  }

  /** Whether a request authenticated with {@code secret}. */
  public boolean sawToken(String secret) {
    return used.contains(secret);
  }

  /** Every request so far, oldest first. */
  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** Creates bare {@code owner/name} whose {@code main} holds one commit with {@code files}. */
  public Path createRepo(String repo, Map<String, String> files) {
    Path dir = repoDir(repo);
    try (Repository repository =
        new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build()) {
      repository.create(true);
      RefUpdate head = repository.updateRef(Constants.HEAD);
      head.disableRefLog();
      head.link(Constants.R_HEADS + "main");
      writeCommit(repository, "main", new TreeMap<>(files), "Initial commit");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Adds a commit to {@code branch} (created from {@code main} when absent) that writes {@code
   * changes}; a {@code null} content deletes the path. Returns the new commit id.
   */
  public String commit(String repo, String branch, Map<String, String> changes, String message) {
    Map<String, String> files =
        new TreeMap<>(files(repo, head(repo, branch).isPresent() ? branch : "main"));
    changes.forEach(
        (path, content) -> {
          if (content == null) {
            files.remove(path);
          } else {
            files.put(path, content);
          }
        });
    try (Repository repository = open(repo)) {
      return writeCommit(repository, branch, files, message);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The files on {@code branch}, path to content (UTF-8); empty if the branch does not exist. */
  public Map<String, String> files(String repo, String branch) {
    Map<String, String> files = new TreeMap<>();
    try (Repository repository = open(repo);
        RevWalk walk = new RevWalk(repository)) {
      Ref ref = repository.exactRef(Constants.R_HEADS + branch);
      if (ref == null) {
        return files;
      }
      try (TreeWalk tree = new TreeWalk(repository)) {
        tree.addTree(walk.parseCommit(ref.getObjectId()).getTree());
        tree.setRecursive(true);
        while (tree.next()) {
          byte[] bytes = repository.open(tree.getObjectId(0)).getBytes();
          files.put(tree.getPathString(), new String(bytes, StandardCharsets.UTF_8));
        }
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The commit {@code branch} points at, if the branch exists. */
  public Optional<CommitInfo> head(String repo, String branch) {
    try (Repository repository = open(repo);
        RevWalk walk = new RevWalk(repository)) {
      Ref ref = repository.exactRef(Constants.R_HEADS + branch);
      if (ref == null) {
        return Optional.empty();
      }
      RevCommit commit = walk.parseCommit(ref.getObjectId());
      return Optional.of(
          new CommitInfo(
              commit.name(),
              commit.getFullMessage(),
              commit.getAuthorIdent(),
              commit.getCommitterIdent(),
              Stream.of(commit.getParents()).map(RevCommit::name).toList()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The branch names of {@code owner/name}, sorted. */
  public List<String> branches(String repo) {
    try (Repository repository = open(repo)) {
      return repository.getRefDatabase().getRefsByPrefix(Constants.R_HEADS).stream()
          .map(ref -> ref.getName().substring(Constants.R_HEADS.length()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Installs a pre-receive hook that refuses every push with {@code reason}. */
  public void rejectPushes(String repo, String reason) {
    Path hook = repoDir(repo).resolve("hooks").resolve("pre-receive");
    try {
      Files.createDirectories(hook.getParent());
      String quoted = "'" + reason.replace("'", "'\\''") + "'";
      Files.writeString(hook, "#!/bin/sh\necho " + quoted + " >&2\nexit 1\n");
      Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where {@code owner/name} lives on disk. */
  public Path repoDir(String repo) {
    return root.resolve(repo + ".git");
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
      executor.close();
    }
    TestTrees.delete(root);
  }

  private Repository open(String repo) throws IOException {
    return new FileRepositoryBuilder().setGitDir(repoDir(repo).toFile()).setMustExist(true).build();
  }

  private static String writeCommit(
      Repository repository, String branch, Map<String, String> files, String message)
      throws IOException {
    try (ObjectInserter inserter = repository.newObjectInserter()) {
      DirCache index = DirCache.newInCore();
      DirCacheBuilder builder = index.builder();
      for (Map.Entry<String, String> file : new TreeMap<>(files).entrySet()) {
        DirCacheEntry entry = new DirCacheEntry(file.getKey());
        entry.setFileMode(FileMode.REGULAR_FILE);
        entry.setObjectId(
            inserter.insert(Constants.OBJ_BLOB, file.getValue().getBytes(StandardCharsets.UTF_8)));
        builder.add(entry);
      }
      builder.finish();
      CommitBuilder commit = new CommitBuilder();
      commit.setTreeId(index.writeTree(inserter));
      Ref parent = repository.exactRef(Constants.R_HEADS + branch);
      if (parent == null && !branch.equals("main")) {
        parent = repository.exactRef(Constants.R_HEADS + "main");
      }
      if (parent != null) {
        commit.setParentId(parent.getObjectId());
      }
      commit.setAuthor(SEED_AUTHOR);
      commit.setCommitter(SEED_AUTHOR);
      commit.setMessage(message);
      ObjectId id = inserter.insert(commit);
      inserter.flush();
      RefUpdate update = repository.updateRef(Constants.R_HEADS + branch);
      update.setNewObjectId(id);
      update.setForceUpdate(true);
      RefUpdate.Result result = update.update();
      if (result != RefUpdate.Result.NEW
          && result != RefUpdate.Result.FORCED
          && result != RefUpdate.Result.FAST_FORWARD) {
        throw new IOException("cannot update " + branch + ": " + result);
      }
      return id.name();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Optional<String> user = authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
      requests.add(
          new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), user));
      if (user.isEmpty()) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"dockhand-test-git\"");
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      GitCgi.run(exchange, root, user.get());
    }
  }

  private Optional<String> authenticate(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(authorization.substring(6).trim()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    String password = colon < 1 ? "" : decoded.substring(colon + 1);
    boolean known = (password.equals(token) && !refuseStartToken) || accepted.contains(password);
    if (colon < 1 || !known) {
      return Optional.empty();
    }
    used.add(password);
    return Optional.of(decoded.substring(0, colon));
  }
}
