package dev.dockhand.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The counts read from each runner's summary, on output the runners printed (Maven 3 with Surefire
 * 3.5.4, pytest 9, cargo 1.95 and Node 20's test runner were run for these; Jest, Vitest, Gradle,
 * Mocha and go test print the lines quoted, in their documented formats).
 */
class TestCountsTest {
  @Test
  void mavenSurefireTotalsCountFailuresAndErrorsAsFailedAndLeaveSkippedOut() {
    String output =
        """
        [INFO] Running ex.AppTest
        [ERROR] Tests run: 4, Failures: 1, Errors: 1, Skipped: 1, Time elapsed: 0.282 s <<< FAILURE! -- in ex.AppTest
        [ERROR] ex.AppTest.boom -- Time elapsed: 0.064 s <<< ERROR!
        [INFO]
        [INFO] Results:
        [INFO]
        [ERROR] Failures:
        [ERROR]   AppTest.wrong:6 expected: <5> but was: <4>
        [ERROR] Errors:
        [ERROR]   AppTest.boom:8 IllegalState boom
        [INFO]
        [ERROR] Tests run: 4, Failures: 1, Errors: 1, Skipped: 1
        [INFO]
        [INFO] BUILD FAILURE
        """;

    assertThat(TestCounts.parse(output)).isEqualTo(TestCounts.of(1, 2));
  }

  @Test
  void mavenModulesAddUpTheirTotalsAndAClassLineAloneStillCounts() {
    String modules =
        """
        [INFO] Tests run: 3, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.1 s -- in a.ATest
        [INFO] Tests run: 3, Failures: 0, Errors: 0, Skipped: 0
        [INFO] Tests run: 7, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.2 s -- in b.BTest
        [ERROR] Tests run: 7, Failures: 2, Errors: 0, Skipped: 1
        """;
    String olderSurefire =
        "Tests run: 5, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.045 sec <<< FAILURE!";

    assertThat(TestCounts.parse(modules)).isEqualTo(TestCounts.of(7, 2));
    assertThat(TestCounts.parse(olderSurefire)).isEqualTo(TestCounts.of(4, 1));
  }

  @Test
  void jestAndVitestSummaryLines() {
    String jest =
        """
        Test Suites: 1 failed, 2 passed, 3 total
        Tests:       2 failed, 1 skipped, 10 passed, 13 total
        Snapshots:   0 total
        Time:        1.234 s
        """;
    String vitest =
        """
         Test Files  1 failed | 2 passed (3)
              Tests  2 failed | 10 passed (12)
           Start at  10:00:00
           Duration  1.23s
        """;

    assertThat(TestCounts.parse(jest)).isEqualTo(TestCounts.of(10, 2));
    assertThat(TestCounts.parse(vitest)).isEqualTo(TestCounts.of(10, 2));
    assertThat(TestCounts.parse("Tests:       4 passed, 4 total\n")).isEqualTo(TestCounts.of(4, 0));
  }

  @Test
  void pytestCountsErrorsAsFailedWithOrWithoutItsDecoration() {
    String decorated =
        """
        =========================== short test summary info ============================
        FAILED tests/test_a.py::test_bad - assert 1 == 2
        ERROR tests/test_a.py::test_err
        =============== 1 failed, 2 passed, 1 skipped, 1 error in 1.00s ================
        """;
    String quiet =
        "ERROR tests/test_a.py::test_err\n1 failed, 2 passed, 1 skipped, 1 error in 0.87s\n";

    assertThat(TestCounts.parse(decorated)).isEqualTo(TestCounts.of(2, 2));
    assertThat(TestCounts.parse(quiet)).isEqualTo(TestCounts.of(2, 2));
    assertThat(TestCounts.parse("==== 3 passed, 1 warning in 0.05s ====\n"))
        .isEqualTo(TestCounts.of(3, 0));
    assertThat(TestCounts.parse("Compiled 5 files in 0.2s\n5 files in 0.2s\n"))
        .as("words pytest does not print")
        .isEqualTo(TestCounts.NONE);
  }

  @Test
  void cargoAddsUpEveryTestBinary() {
    String output =
        """
        running 3 tests
        test tests::ok ... ok
        test tests::bad ... FAILED
        test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.08s

        error: test failed, to rerun pass `--lib`
             Running tests/api.rs (target/debug/deps/api-1234)
        test result: ok. 4 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
        """;

    assertThat(TestCounts.parse(output)).isEqualTo(TestCounts.of(6, 1));
  }

  @Test
  void gradleSaysCountsOnlyWhenTestsFailed() {
    String output =
        """
        > Task :test FAILED

        AppTest > adds() FAILED
            org.opentest4j.AssertionFailedError at AppTest.java:12

        5 tests completed, 2 failed, 1 skipped

        FAILURE: Build failed with an exception.
        """;

    assertThat(TestCounts.parse(output)).isEqualTo(TestCounts.of(2, 2));
    assertThat(TestCounts.parse("1 test completed, 1 failed\n")).isEqualTo(TestCounts.of(0, 1));
  }

  @Test
  void nodesTestRunnerInBothReporters() {
    String tap =
        "1..3\n# tests 3\n# suites 0\n# pass 2\n# fail 1\n# cancelled 0\n# skipped 0\n# todo 0\n";
    String spec = "ℹ tests 3\nℹ suites 0\nℹ pass 3\nℹ fail 0\nℹ cancelled 0\n";

    assertThat(TestCounts.parse(tap)).isEqualTo(TestCounts.of(2, 1));
    assertThat(TestCounts.parse(spec)).isEqualTo(TestCounts.of(3, 0));
  }

  @Test
  void mochaPassingAndFailing() {
    assertThat(TestCounts.parse("\n  3 passing (12ms)\n  1 failing\n\n  1) adds:\n"))
        .isEqualTo(TestCounts.of(3, 1));
    assertThat(TestCounts.parse("  7 passing (1s)\n")).isEqualTo(TestCounts.of(7, 0));
  }

  @Test
  void goTestCountsPackages() {
    String output =
        "ok  \texample.com/m/pkg/a\t0.003s\n"
            + "--- FAIL: TestAdd (0.00s)\n"
            + "    add_test.go:8: got 5, want 4\n"
            + "FAIL\n"
            + "FAIL\texample.com/m/pkg/b\t0.004s\n"
            + "?   \texample.com/m/pkg/c\t[no test files]\n"
            + "ok  \texample.com/m/pkg/d\t(cached)\n"
            + "FAIL\texample.com/m/pkg/e [build failed]\n"
            + "FAIL\n";

    assertThat(TestCounts.parse(output)).isEqualTo(TestCounts.of(2, 2));
  }

  @Test
  void colouredOutputIsReadAndOutputWithoutASummaryHasNoCounts() {
    String coloured = "\u001b[1m\u001b[31m2 failed\u001b[0m, \u001b[32m5 passed\u001b[0m in 0.3s\n";

    assertThat(TestCounts.parse(coloured)).isEqualTo(TestCounts.of(5, 2));
    assertThat(TestCounts.parse("make: *** [Makefile:2: test] Error 1\n"))
        .isEqualTo(TestCounts.NONE);
    assertThat(TestCounts.parse("")).isEqualTo(TestCounts.NONE);
    assertThat(TestCounts.NONE.passed()).isEqualTo(Optional.empty());
  }

  @Test
  void absurdNumbersNeitherThrowNorOverflow() {
    String output =
        "Tests run: 99999999999999999999, Failures: 1, Errors: 0, Skipped: 0\n"
            + "Tests run: 2147483647, Failures: 0, Errors: 0, Skipped: 0\n";

    TestCounts counts = TestCounts.parse(output);

    assertThat(counts.passed()).hasValue(Integer.MAX_VALUE);
    assertThat(counts.failed()).hasValue(1);
  }

  @Test
  void theGrepPatternLetsEverySummaryLineThrough() {
    java.util.regex.Pattern grep =
        java.util.regex.Pattern.compile(TestCounts.SUMMARY_LINES.replace("[[:space:]]", "\\s"));
    for (String line :
        new String[] {
          "[ERROR] Tests run: 4, Failures: 1, Errors: 1, Skipped: 1",
          "Tests:       2 failed, 10 passed, 12 total",
          "      Tests  2 failed | 10 passed (12)",
          "==== 1 failed, 2 passed in 1.00s ====",
          "=== 2 errors in 0.1s ===",
          "test result: FAILED. 2 passed; 1 failed; 0 ignored",
          "5 tests completed, 2 failed",
          "# pass 2",
          "ℹ fail 1",
          "  3 passing (12ms)",
          "ok  \texample.com/m/pkg/a\t0.003s",
          "FAIL\texample.com/m/pkg/b\t0.004s"
        }) {
      assertThat(grep.matcher(line).find()).as(line).isTrue();
    }
  }
}
