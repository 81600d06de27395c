package dev.dockhand.env;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many tests passed and failed, read from the summary lines the common test runners print:
 * Maven Surefire, Gradle, cargo, Jest, Vitest, pytest, Node's test runner, Mocha and go test (whose
 * counts are packages: {@code ok} and {@code FAIL} lines). The first runner whose summary shows
 * wins; the counts of one that prints several summaries (a module, a test binary each) are added
 * up. The text is what the checks printed, so hostile: it is only matched, line by line, never run
 * or followed. Stateless.
 *
 * @param passed tests that passed, where the runner says
 * @param failed tests that failed or erred, where the runner says
 */
public record TestCounts(Optional<Integer> passed, Optional<Integer> failed) {
  public static final TestCounts NONE = new TestCounts(Optional.empty(), Optional.empty());

  /**
   * What {@link #parse} looks at, as an extended regular expression for {@code grep -E}: the lines
   * of the output that may be summary lines, so the output can be narrowed where it is written.
   */
  public static final String SUMMARY_LINES =
      "Tests run:|Tests:|Tests +[0-9]|test result:|tests? completed|^(ok  |FAIL)[[:space:]]"
          + "|passed|failed|errors? in|passing|failing|^[#ℹ] (tests|pass|fail) ";

  private static final Pattern SUREFIRE =
      Pattern.compile(
          "Tests run: (\\d+), Failures: (\\d+), Errors: (\\d+), Skipped: (\\d+)(, Time elapsed)?");
  private static final Pattern GRADLE =
      Pattern.compile("^(\\d+) tests? completed, (\\d+) failed(?:, (\\d+) skipped)?\\s*$");
  private static final Pattern CARGO =
      Pattern.compile("^test result: \\w+\\. (\\d+) passed; (\\d+) failed;");
  private static final Pattern JEST = Pattern.compile("^Tests:\\s+(.*\\d+ total)\\s*$");
  private static final Pattern VITEST =
      Pattern.compile("^\\s*Tests\\s+(\\d+ \\w+.*)\\(\\d+\\)\\s*$");
  private static final Pattern PYTEST =
      Pattern.compile("^=*\\s*((?:\\d+ [a-z]+(?:, )?)+) in [0-9.]+s(?: \\([^)]*\\))?\\s*=*\\s*$");
  private static final Pattern NODE = Pattern.compile("^[#ℹ] (pass|fail) (\\d+)\\s*$");
  private static final Pattern MOCHA =
      Pattern.compile("^\\s*(\\d+) (passing|failing)( \\(.*\\))?\\s*$");
  private static final Pattern GO = Pattern.compile("^(ok  |FAIL)\\t\\S+");
  private static final Pattern COUNT = Pattern.compile("(\\d+) ([a-z]+)");
  private static final Pattern ESCAPE = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]");
  private static final Set<String> JEST_WORDS =
      Set.of("failed", "passed", "skipped", "todo", "total");
  private static final Set<String> PYTEST_WORDS =
      Set.of(
          "failed",
          "passed",
          "skipped",
          "deselected",
          "xfailed",
          "xpassed",
          "error",
          "errors",
          "warning",
          "warnings",
          "rerun");

  private static final List<Function<List<String>, Optional<TestCounts>>> RUNNERS =
      List.of(
          TestCounts::surefire,
          TestCounts::gradle,
          TestCounts::cargo,
          lines -> wordCounts(lines, JEST, JEST_WORDS),
          lines -> wordCounts(lines, VITEST, JEST_WORDS),
          lines -> wordCounts(lines, PYTEST, PYTEST_WORDS),
          TestCounts::node,
          TestCounts::mocha,
          TestCounts::go);

  public TestCounts {
    passed = passed == null ? Optional.empty() : passed;
    failed = failed == null ? Optional.empty() : failed;
  }

  static TestCounts of(int passed, int failed) {
    return new TestCounts(Optional.of(passed), Optional.of(failed));
  }

  /** The counts {@code output} shows; {@link #NONE} when it has no summary this knows. */
  public static TestCounts parse(String output) {
    // Colours, where a runner forces them, would hide the words.
    List<String> lines = output.lines().map(line -> ESCAPE.matcher(line).replaceAll("")).toList();
    for (Function<List<String>, Optional<TestCounts>> runner : RUNNERS) {
      Optional<TestCounts> counts = runner.apply(lines);
      if (counts.isPresent()) {
        return counts.get();
      }
    }
    return NONE;
  }

  /**
   * Surefire prints a line per test class ("…, Time elapsed: …") and one total per module (without
   * it): the totals are added up, else (a quiet build shows only the failing classes) the classes.
   */
  private static Optional<TestCounts> surefire(List<String> lines) {
    Sum totals = new Sum();
    Sum classes = new Sum();
    for (String line : lines) {
      Matcher m = SUREFIRE.matcher(line);
      if (m.find()) {
        long run = number(m.group(1));
        long failed = (long) number(m.group(2)) + number(m.group(3));
        (m.group(5) == null ? totals : classes).add(run - failed - number(m.group(4)), failed);
      }
    }
    return totals.counts().or(classes::counts);
  }

  private static Optional<TestCounts> gradle(List<String> lines) {
    Sum sum = new Sum();
    for (String line : lines) {
      Matcher m = GRADLE.matcher(line.strip());
      if (m.find()) {
        long failed = number(m.group(2));
        long skipped = m.group(3) == null ? 0 : number(m.group(3));
        sum.add(number(m.group(1)) - failed - skipped, failed);
      }
    }
    return sum.counts();
  }

  /** One "test result" line per test binary (unit tests, each integration file, doc tests). */
  private static Optional<TestCounts> cargo(List<String> lines) {
    Sum sum = new Sum();
    for (String line : lines) {
      Matcher m = CARGO.matcher(line.strip());
      if (m.find()) {
        sum.add(number(m.group(1)), number(m.group(2)));
      }
    }
    return sum.counts();
  }

  /**
   * The last line of the form "2 failed, 10 passed, …" the pattern finds (its group 1), naming only
   * the runner's {@code words}.
   */
  private static Optional<TestCounts> wordCounts(
      List<String> lines, Pattern summary, Set<String> words) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      Matcher m = summary.matcher(lines.get(i));
      if (m.find()
          && COUNT.matcher(m.group(1)).results().allMatch(c -> words.contains(c.group(2)))) {
        int passed = 0;
        int failed = 0;
        Matcher count = COUNT.matcher(m.group(1));
        while (count.find()) {
          switch (count.group(2)) {
            case "passed" -> passed += number(count.group(1));
            case "failed", "error", "errors" -> failed += number(count.group(1));
            default -> {}
          }
        }
        return Optional.of(of(passed, failed));
      }
    }
    return Optional.empty();
  }

  /** Node's test runner ends with "# pass N" and "# fail N" (TAP) or "ℹ pass N" (spec). */
  private static Optional<TestCounts> node(List<String> lines) {
    return lastPair(lines, NODE, "pass", "fail", 1, 2);
  }

  private static Optional<TestCounts> mocha(List<String> lines) {
    return lastPair(lines, MOCHA, "passing", "failing", 2, 1);
  }

  /**
   * The last values of the two labelled counts; a run with no failures prints no failing line, a
   * run where all failed no passing line.
   */
  private static Optional<TestCounts> lastPair(
      List<String> lines, Pattern pattern, String pass, String fail, int label, int value) {
    Integer passed = null;
    Integer failed = null;
    for (String line : lines) {
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        if (m.group(label).equals(pass)) {
          passed = number(m.group(value));
        } else if (m.group(label).equals(fail)) {
          failed = number(m.group(value));
        }
      }
    }
    if (passed == null && failed == null) {
      return Optional.empty();
    }
    return Optional.of(of(passed == null ? 0 : passed, failed == null ? 0 : failed));
  }

  /** go test prints "ok \tpkg\t0.01s" or "FAIL\tpkg\t…" per package: packages are counted. */
  private static Optional<TestCounts> go(List<String> lines) {
    Sum sum = new Sum();
    for (String line : lines) {
      Matcher m = GO.matcher(line);
      if (m.find()) {
        boolean ok = m.group(1).startsWith("ok");
        sum.add(ok ? 1 : 0, ok ? 0 : 1);
      }
    }
    return sum.counts();
  }

  /** A count too large for an int is nonsense output: it reads as the largest. */
  private static int number(String digits) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  /** Counts added up across summaries; present once one was seen. */
  private static final class Sum {
    private long passed;
    private long failed;
    private boolean seen;

    void add(long passed, long failed) {
      this.passed += Math.max(0, passed);
      this.failed += Math.max(0, failed);
      seen = true;
    }

    Optional<TestCounts> counts() {
      return seen
          ? Optional.of(
              of(
                  (int) Math.min(passed, Integer.MAX_VALUE),
                  (int) Math.min(failed, Integer.MAX_VALUE)))
          : Optional.empty();
    }
  }
}
