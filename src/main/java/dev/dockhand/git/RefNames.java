package dev.dockhand.git;

import dev.dockhand.InvalidInputException;
import org.eclipse.jgit.lib.Repository;

/**
 * Checks branch names before git sees them: git's own ref rules, plus what keeps a name from being
 * mistaken for an option or a shell word. Stateless.
 */
public final class RefNames {
  /** Task branches are {@code dockhand/<short-task-id>}. */
  public static final String TASK_BRANCH_PREFIX = "dockhand/";

  private static final String FIELD = "branch";
  private static final int MAX_LENGTH = 200;
  // Git allows these, but a name that means something to a shell has no business in a task.
  private static final String SHELL_CHARACTERS = ";&|$`<>'\"()!";

  private RefNames() {}

  /** Returns {@code name} if it is a safe branch name; otherwise {@link InvalidInputException}. */
  public static String requireBranch(String name) {
    if (name == null || name.isEmpty()) {
      throw invalid("is required");
    }
    if (name.length() > MAX_LENGTH) {
      throw invalid("is too long (over " + MAX_LENGTH + " characters)");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c)) {
        throw invalid("must not contain control characters");
      }
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        throw invalid("must not contain spaces");
      }
    }
    if (name.startsWith("-")) {
      throw invalid("must not start with '-'");
    }
    for (char c : SHELL_CHARACTERS.toCharArray()) {
      if (name.indexOf(c) >= 0) {
        throw invalid("must not contain '" + c + "'");
      }
    }
    if (name.contains("..")) {
      throw invalid("must not contain '..'");
    }
    if (name.equals("HEAD") || name.startsWith("refs/")) {
      throw invalid("must be a plain branch name such as main");
    }
    if (!Repository.isValidRefName("refs/heads/" + name)) {
      throw invalid("'" + name + "' is not a valid git branch name");
    }
    return name;
  }

  /** The branch a task pushes to. */
  public static String taskBranch(String shortTaskId) {
    return requireBranch(TASK_BRANCH_PREFIX + shortTaskId);
  }

  private static InvalidInputException invalid(String problem) {
    return new InvalidInputException(FIELD, "branch " + problem);
  }
}
