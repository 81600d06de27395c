package dev.dockhand.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.config.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Clones as the pipeline does, the host repository and the worktree apart, and then runs the
 * checkout the sandbox would run, here with the local {@code git} in place of the container.
 */
final class TaskClones {
  private TaskClones() {}

  static GitWorkspace cloneAndCheckOut(
      RepoUrl repo,
      Optional<String> branch,
      Optional<String> taskBranch,
      Path parent,
      Secret token,
      WorkspaceLimits limits) {
    GitWorkspace workspace =
        GitWorkspace.clone(
            repo,
            branch,
            taskBranch,
            parent.resolve("host.git"),
            parent.resolve("ws"),
            token,
            limits);
    checkOut(workspace, List.of());
    return workspace;
  }

  /** Runs the checkout command in the worktree, {@code asUser} prefixed (e.g. setpriv). */
  static void checkOut(GitWorkspace workspace, List<String> asUser) {
    List<String> command = new ArrayList<>(asUser);
    command.addAll(workspace.checkoutCommand());
    String output = run(workspace.workTree(), command);
    assertThat(output).as("checkout output").isEmpty();
  }

  /** Runs a command in {@code dir} with no user or system git config; returns its output. */
  static String run(Path dir, List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.redirectErrorStream(true);
    builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    builder.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
    // As in the container: a home of its own, not root's.
    builder.environment().put("HOME", "/nonexistent");
    builder.environment().remove("XDG_CONFIG_HOME");
    try {
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Path to mode of every entry on {@code branch} of a bare repository (e.g. the server's). */
  static Map<String, FileMode> modes(Path bareRepo, String branch) {
    Map<String, FileMode> modes = new TreeMap<>();
    try (Repository repository =
            new FileRepositoryBuilder().setGitDir(bareRepo.toFile()).setMustExist(true).build();
        RevWalk walk = new RevWalk(repository);
        TreeWalk tree = new TreeWalk(repository)) {
      Ref ref = repository.exactRef(Constants.R_HEADS + branch);
      tree.addTree(walk.parseCommit(ref.getObjectId()).getTree());
      tree.setRecursive(true);
      while (tree.next()) {
        modes.put(tree.getPathString(), tree.getFileMode(0));
      }
      return modes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
