package dev.dockhand.env;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the cache needs to know of a task's base commit, read from the host's own repository (the
 * objects fetched with the token), never from the workspace the container writes: the lockfiles'
 * bytes, which key the environment, and every path the commit tracks, which a saved environment
 * leaves out so that a later task's checkout of another commit is not polluted. Immutable.
 *
 * @param lockfiles path in the repository to bytes, for each file whose name matches a pattern
 * @param tracked every file, link and submodule path of the commit, '/'-separated
 */
public record BaseTree(SortedMap<String, byte[]> lockfiles, Set<String> tracked) {
  static final long MAX_LOCKFILE_BYTES = 32L << 20;
  static final long MAX_LOCKFILES_BYTES = 64L << 20;
  static final int MAX_LOCKFILES = 1000;
  static final int MAX_TRACKED = 2_000_000;
  private static final Logger log = LoggerFactory.getLogger(BaseTree.class);

  public BaseTree {
    lockfiles = new TreeMap<>(lockfiles);
    tracked = Set.copyOf(tracked);
  }

  /**
   * Reads {@code commit} of the bare repository at {@code hostRepo}. Empty, with the reason logged,
   * when the commit holds more lockfiles, lockfile bytes or paths than the caps allow: such a task
   * runs its setup every time rather than hold that much in memory.
   *
   * @param patterns file names ('*' matches any run of characters) looked for at any depth: the
   *     settings' {@link RepoEnvironment#lockfiles()}, by default {@link
   *     EnvironmentSettings#DEFAULT_LOCKFILES}
   * @throws IOException when the repository or the commit cannot be read
   */
  public static Optional<BaseTree> read(Path hostRepo, String commit, List<String> patterns)
      throws IOException {
    Pattern names = names(patterns);
    SortedMap<String, byte[]> lockfiles = new TreeMap<>();
    Set<String> tracked = new HashSet<>();
    long lockfileBytes = 0;
    try (Repository repository =
            new FileRepositoryBuilder().setGitDir(hostRepo.toFile()).setMustExist(true).build();
        RevWalk commits = new RevWalk(repository);
        TreeWalk walk = new TreeWalk(repository)) {
      walk.addTree(commits.parseCommit(ObjectId.fromString(commit)).getTree());
      walk.setRecursive(true);
      while (walk.next()) {
        if (tracked.size() == MAX_TRACKED) {
          return refuse(commit, "it tracks more than " + MAX_TRACKED + " paths");
        }
        String path = walk.getPathString();
        tracked.add(path);
        if (walk.getFileMode(0) == FileMode.GITLINK
            || walk.getFileMode(0) == FileMode.SYMLINK
            || !names.matcher(walk.getNameString()).matches()) {
          continue;
        }
        ObjectLoader blob = walk.getObjectReader().open(walk.getObjectId(0));
        lockfileBytes += blob.getSize();
        if (blob.getSize() > MAX_LOCKFILE_BYTES || lockfileBytes > MAX_LOCKFILES_BYTES) {
          return refuse(commit, "its lockfiles are over " + (MAX_LOCKFILES_BYTES >> 20) + " MiB");
        }
        if (lockfiles.size() == MAX_LOCKFILES) {
          return refuse(commit, "it has more than " + MAX_LOCKFILES + " lockfiles");
        }
        lockfiles.put(path, blob.getBytes((int) MAX_LOCKFILE_BYTES));
      }
    } catch (IllegalArgumentException e) {
      throw new IOException("not a commit id: " + commit, e);
    }
    return Optional.of(new BaseTree(lockfiles, tracked));
  }

  private static Optional<BaseTree> refuse(String commit, String reason) {
    log.info("environment of commit {} not cached: {}", commit, reason);
    return Optional.empty();
  }

  /** One expression for all patterns; each is literal text but for its '*'s. */
  static Pattern names(List<String> patterns) {
    return Pattern.compile(
        patterns.stream()
            .map(
                pattern ->
                    Arrays.stream(pattern.split("\\*", -1))
                        .map(Pattern::quote)
                        .collect(Collectors.joining(".*")))
            .collect(Collectors.joining("|", "(?:", ")")));
  }
}
