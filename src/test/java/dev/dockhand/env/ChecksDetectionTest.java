package dev.dockhand.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which checks a repository's files call for, read as the host reads the starting commit (a map of
 * path to content stands in for it here; ChecksDetectionFromCloneTest reads a real clone).
 */
class ChecksDetectionTest {
  private final Map<String, String> files = new HashMap<>();
  private final Map<String, List<String>> dirs = new HashMap<>();

  @Test
  void savedChecksWinOverWhatTheFilesSay() {
    files.put("package.json", "{\"scripts\":{\"test\":\"jest\"}}");
    RepoEnvironment saved =
        RepoEnvironment.of(
            new EnvironmentSettings(
                Optional.empty(),
                Optional.empty(),
                Optional.of("npm run lint && npm test"),
                Map.of(),
                List.of(),
                false));

    assertThat(ChecksDetection.resolve(saved, this::read, this::list))
        .contains(new ChecksCommand("npm run lint && npm test", "settings"));
    assertThat(ChecksDetection.resolve(RepoEnvironment.NONE, this::read, this::list))
        .contains(new ChecksCommand("npm test", "package.json"));
  }

  @Test
  void npmTestNeedsARealTestScript() {
    files.put(
        "package.json",
        "{\"name\":\"x\",\"scripts\":{\"test\":\"echo \\\"Error: no test specified\\\" && exit 1\"}}");
    assertThat(detect()).as("npm init's placeholder").isEmpty();

    files.put("package.json", "{\"scripts\":{\"build\":\"tsc\"}}");
    assertThat(detect()).as("no test script").isEmpty();

    files.put("package.json", "{\"scripts\":{\"test\":[\"jest\"]}}");
    assertThat(detect()).as("not a string").isEmpty();

    files.put("package.json", "{\"scripts\":{\"test\":\"vitest run\"}");
    assertThat(detect()).as("not JSON").isEmpty();

    files.put("package.json", "[".repeat(10_000) + "]".repeat(10_000));
    assertThat(detect()).as("nested past the parser's bound").isEmpty();

    files.put("package.json", "{\"scripts\":{\"test\":\"node --test\"}}");
    assertThat(detect()).contains(new ChecksCommand("npm test", "package.json"));
  }

  @Test
  void aFileOverTheCapIsNotRead() {
    files.put(
        "package.json",
        "{\"scripts\":{\"test\":\"jest\"},\"pad\":\""
            + "x".repeat(ChecksDetection.MAX_BYTES)
            + "\"}");

    assertThat(detect()).isEmpty();
  }

  @Test
  void eachBuildToolByItsFile() {
    assertThat(detectWith("pom.xml")).contains(new ChecksCommand("mvn -q test", "pom.xml"));
    assertThat(detectWith("pom.xml", "mvnw"))
        .contains(new ChecksCommand("./mvnw -q test", "pom.xml"));
    assertThat(detectWith("gradlew", "build.gradle.kts"))
        .contains(new ChecksCommand("./gradlew test", "gradlew"));
    assertThat(detectWith("go.mod")).contains(new ChecksCommand("go test ./...", "go.mod"));
    assertThat(detectWith("Cargo.toml")).contains(new ChecksCommand("cargo test", "Cargo.toml"));
    assertThat(detectWith("build.gradle")).as("no wrapper, no gradle in the image").isEmpty();
    assertThat(detectWith("README.md")).isEmpty();
  }

  @Test
  void theFirstThatAppliesWinsInTheDocumentedOrder() {
    files.put("package.json", "{\"scripts\":{\"test\":\"jest\"}}");
    files.put("pom.xml", "<project/>");
    files.put("go.mod", "module x");
    files.put("Makefile", "test:\n\tgo test ./...\n");

    assertThat(detect()).map(ChecksCommand::script).contains("npm test");
    files.remove("package.json");
    assertThat(detect()).map(ChecksCommand::script).contains("mvn -q test");
    files.remove("pom.xml");
    assertThat(detect()).map(ChecksCommand::script).contains("go test ./...");
    files.remove("go.mod");
    assertThat(detect()).contains(new ChecksCommand("make test", "Makefile"));
  }

  @Test
  void pytestByItsConfigurationOrATestsDirectory() {
    assertThat(pytestSource("pytest.ini", "[pytest]\n")).contains("pytest.ini");
    assertThat(pytestSource("pyproject.toml", "[project]\nname='x'\n\n[tool.pytest.ini_options]\n"))
        .contains("pyproject.toml");
    assertThat(pytestSource("pyproject.toml", "[tool.black]\nline-length = 100\n")).isEmpty();
    assertThat(pytestSource("setup.cfg", "[metadata]\n[tool:pytest]\naddopts = -q\n"))
        .contains("setup.cfg");
    assertThat(pytestSource("tox.ini", "[tox]\n[pytest]\n")).contains("tox.ini");
    assertThat(pytestSource("conftest.py", "")).contains("conftest.py");

    files.clear();
    dirs.put("tests", List.of("__init__.py", "helpers.py", "test_widget.py"));
    assertThat(detect()).contains(new ChecksCommand("python3 -m pytest", "tests/"));
    dirs.put("tests", List.of("helpers.py"));
    dirs.put("test", List.of("widget_test.py"));
    assertThat(detect()).contains(new ChecksCommand("python3 -m pytest", "test/"));
    dirs.clear();
    assertThat(detect()).isEmpty();
  }

  @Test
  void makeTestNeedsATestTarget() {
    assertThat(hasTarget("all: build\n\ntest: build\n\t./run-tests\n")).isTrue();
    assertThat(hasTarget("unit test lint: deps\n\t./check\n")).isTrue();
    assertThat(hasTarget("test::\n\t./one\n")).isTrue();
    assertThat(hasTarget(".PHONY: test\nbuild:\n\tcc x.c\n")).isFalse();
    assertThat(hasTarget("test := ./run\ntest ::= x\nTEST: y\n")).isFalse();
    assertThat(hasTarget("\ttest: not a rule, a recipe line\n# test: a comment\n")).isFalse();
    assertThat(hasTarget("testing: x\nmytest: y\n")).isFalse();

    files.put("GNUmakefile", "check:\n\t./t\n");
    files.put("Makefile", "test:\n\t./t\n");
    assertThat(detect()).contains(new ChecksCommand("make test", "Makefile"));
  }

  @Test
  void nothingFoundMeansNoChecks() {
    assertThat(ChecksDetection.resolve(RepoEnvironment.NONE, this::read, this::list)).isEmpty();
  }

  private Optional<String> pytestSource(String file, String content) {
    files.clear();
    files.put(file, content);
    return detect().map(ChecksCommand::source);
  }

  private static boolean hasTarget(String makefile) {
    return ChecksDetection.hasTestTarget(Optional.of(makefile));
  }

  private Optional<ChecksCommand> detectWith(String... paths) {
    files.clear();
    Arrays.stream(paths).forEach(path -> files.put(path, ""));
    return detect();
  }

  private Optional<ChecksCommand> detect() {
    return ChecksDetection.detect(this::read, this::list);
  }

  /** As GitWorkspace.startFile: at most maxBytes + 1 bytes. */
  private Optional<byte[]> read(String path, int maxBytes) {
    return Optional.ofNullable(files.get(path))
        .map(text -> text.getBytes(StandardCharsets.UTF_8))
        .map(bytes -> Arrays.copyOf(bytes, Math.min(bytes.length, maxBytes + 1)));
  }

  private List<String> list(String dir, int max) {
    List<String> names = dirs.getOrDefault(dir, List.of());
    return names.subList(0, Math.min(max, names.size()));
  }
}
