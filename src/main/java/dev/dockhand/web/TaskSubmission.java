package dev.dockhand.web;

import dev.dockhand.InvalidInputException;
import dev.dockhand.agent.Ceilings;
import dev.dockhand.git.RefNames;
import dev.dockhand.queue.NewTask;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The rules for {@code POST /tasks} bodies, the server's {@link Ceilings} among them. The
 * repository's own rules (allowed hosts, URL shape) belong to the injected validator, which returns
 * the normalised URL or throws {@link InvalidInputException}.
 */
final class TaskSubmission {
  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

  private final Function<String, String> repoValidator;
  private final int maxPromptChars;
  private final boolean userMayAddHosts;
  private final Ceilings ceilings;

  /**
   * @param userMayAddHosts DOCKHAND_EGRESS_USER_ADD: whether {@code egressAllow} may be non-empty
   * @param ceilings the models, budget and turns a request may ask for
   */
  TaskSubmission(
      Function<String, String> repoValidator,
      int maxPromptChars,
      boolean userMayAddHosts,
      Ceilings ceilings) {
    this.repoValidator = repoValidator;
    this.maxPromptChars = maxPromptChars;
    this.userMayAddHosts = userMayAddHosts;
    this.ceilings = ceilings;
  }

  /** The default repository check until the git part's full one is plugged in. */
  static String basicRepoCheck(String repo) {
    if (repo.isBlank() || repo.length() > 2000 || repo.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidInputException("repo", "repo must be 1-2000 printable characters");
    }
    return repo.strip();
  }

  NewTask parse(long userId, JsonBody body) {
    String repo = repoValidator.apply(body.requiredText("repo"));
    String prompt = body.requiredText("prompt");
    if (prompt.isBlank()) {
      throw new InvalidInputException("prompt", "prompt must not be empty");
    }
    if (prompt.length() > maxPromptChars) {
      throw new InvalidInputException(
          "prompt", "prompt must be at most " + maxPromptChars + " characters");
    }
    Optional<String> branch = body.optionalText("branch").map(TaskSubmission::branch);
    Optional<String> model = body.optionalText("model").map(this::model);
    Optional<Integer> maxTurns = body.optionalInt("maxTurns");
    if (maxTurns.isPresent() && maxTurns.get() < 1) {
      throw new InvalidInputException("maxTurns", "maxTurns must be at least 1");
    }
    if (maxTurns.isPresent() && maxTurns.get() > ceilings.maxTaskTurns()) {
      throw new InvalidInputException(
          "maxTurns",
          "maxTurns must be at most "
              + ceilings.maxTaskTurns()
              + " ("
              + Ceilings.MAX_TASK_TURNS
              + ")");
    }
    Optional<Double> budget = body.optionalNumber("budgetUsd");
    if (budget.isPresent() && !(budget.get() > 0)) {
      throw new InvalidInputException("budgetUsd", "budgetUsd must be above 0");
    }
    if (budget.isPresent() && budget.get() > ceilings.maxTaskBudgetUsd()) {
      throw new InvalidInputException(
          "budgetUsd",
          String.format(
              Locale.ROOT,
              "budgetUsd must be at most %.2f (%s)",
              ceilings.maxTaskBudgetUsd(),
              Ceilings.MAX_TASK_BUDGET));
    }
    List<String> egressAllow =
        ExtraHosts.parse(body.optionalStrings(ExtraHosts.FIELD).orElse(List.of()), userMayAddHosts);
    return new NewTask(userId, repo, branch, prompt, model, maxTurns, budget, egressAllow);
  }

  private String model(String model) {
    if (!MODEL.matcher(model).matches()) {
      throw new InvalidInputException(
          "model", "model must be 1-100 letters, digits, '.', '_', ':' or '-'");
    }
    if (!ceilings.allowsModel(model)) {
      throw new InvalidInputException(
          "model",
          "model "
              + model
              + " is not allowed here; allowed ("
              + Ceilings.MODELS
              + "): "
              + ceilings.modelList());
    }
    return model;
  }

  /** The git part's rules, so what the API accepts is exactly what a clone will. */
  private static String branch(String branch) {
    RefNames.requireBranch(branch);
    return branch;
  }
}
