package dev.dockhand.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Writes the container's own {@code .git} into the worktree, made from the host's repository: the
 * objects copied (never hard-linked, or the container could change the host's objects through
 * them), HEAD naming the working branch, packed refs for that branch and the fetched {@code
 * origin/*} branches, and a fresh config with no token. There is no index and no checked-out file:
 * the sandbox materialises the repository ({@link GitWorkspace#checkoutCommand()}). After this the
 * host never reads this directory again. Stateless.
 */
final class ContainerGitDir {
  private ContainerGitDir() {}

  /**
   * @param remoteBranches branch name to tip, as fetched
   * @param workBranch the branch HEAD names
   * @param workTip where {@code workBranch} points
   */
  static void write(
      Path hostRepo,
      Path workTree,
      String originUrl,
      Map<String, ObjectId> remoteBranches,
      String workBranch,
      ObjectId workTip)
      throws IOException {
    Path gitDir = workTree.resolve(Constants.DOT_GIT);
    for (String dir : List.of("objects/pack", "objects/info", "refs/heads", "refs/tags", "info")) {
      Files.createDirectories(gitDir.resolve(dir));
    }
    copyObjects(hostRepo.resolve("objects"), gitDir.resolve("objects"));
    write(gitDir.resolve(Constants.HEAD), "ref: " + Constants.R_HEADS + workBranch + "\n");
    write(gitDir.resolve(Constants.PACKED_REFS), packedRefs(remoteBranches, workBranch, workTip));
    write(gitDir.resolve(Constants.CONFIG), config(originUrl, workBranch));
  }

  private static String packedRefs(
      Map<String, ObjectId> remoteBranches, String workBranch, ObjectId workTip) {
    Map<String, ObjectId> refs = new TreeMap<>();
    remoteBranches.forEach((name, tip) -> refs.put(HostFetch.REMOTE_PREFIX + name, tip));
    refs.put(Constants.R_HEADS + workBranch, workTip);
    // No "sorted" trait: git sorts by bytes, and this map sorts by UTF-16.
    StringBuilder text = new StringBuilder("# pack-refs with: peeled fully-peeled \n");
    refs.forEach((name, id) -> text.append(id.name()).append(' ').append(name).append('\n'));
    return text.toString();
  }

  private static String config(String originUrl, String workBranch) {
    return String.join(
        "\n",
        "[core]",
        "\trepositoryformatversion = 0",
        "\tfilemode = true",
        "\tbare = false",
        "\tlogallrefupdates = true",
        // The host hands the tree to the sandbox user by walking it; git's housekeeping in the
        // background would add and remove lock files under that walk.
        "[gc]",
        "\tauto = 0",
        "[maintenance]",
        "\tauto = false",
        "[remote \"origin\"]",
        "\turl = " + quoted(originUrl),
        "\tfetch = +refs/heads/*:refs/remotes/origin/*",
        "[branch " + quoted(workBranch) + "]",
        "\tremote = origin",
        "\tmerge = " + quoted(Constants.R_HEADS + workBranch),
        "");
  }

  /** A config value or subsection in quotes, so '#', ';' and spaces stay part of it. */
  private static String quoted(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static void copyObjects(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes)
              throws IOException {
            if (dir.equals(from.resolve("info"))) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            Files.createDirectories(to.resolve(from.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            if (attributes.isRegularFile()) {
              Files.copy(file, to.resolve(from.relativize(file).toString()));
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
