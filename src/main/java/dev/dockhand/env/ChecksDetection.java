package dev.dockhand.env;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds how to check a repository's work: the person's saved {@code checks}, else the first of
 * these the repository's files at the starting commit call for —
 *
 * <ol>
 *   <li>{@code npm test}: {@code package.json} has a {@code scripts.test} that is not npm's
 *       placeholder ({@code echo "Error: no test specified" && exit 1});
 *   <li>{@code ./mvnw -q test} or {@code mvn -q test}: {@code pom.xml} (with or without {@code
 *       mvnw});
 *   <li>{@code ./gradlew test}: {@code gradlew};
 *   <li>{@code python3 -m pytest}: {@code pytest.ini}; {@code [tool.pytest.ini_options]} in {@code
 *       pyproject.toml}; {@code [tool:pytest]} in {@code setup.cfg}; {@code [pytest]} in {@code
 *       tox.ini}; a {@code conftest.py} at the root; or a {@code tests/} or {@code test/} directory
 *       holding a {@code test_*.py} or {@code *_test.py} file;
 *   <li>{@code go test ./...}: {@code go.mod};
 *   <li>{@code cargo test}: {@code Cargo.toml};
 *   <li>{@code make test}: a {@code Makefile} (or {@code makefile}, {@code GNUmakefile}) with a
 *       {@code test} target.
 * </ol>
 *
 * The files are the repository's and so hostile: they are read from the host's own clone (never
 * what the container wrote), regular files only (a link is never followed), each at most {@link
 * #MAX_BYTES}; package.json is parsed with bounds on depth and string length. A file that cannot be
 * read calls for nothing. The command only ever runs in the sandbox. Stateless.
 */
public final class ChecksDetection {
  static final int MAX_BYTES = 256 * 1024;
  static final int MAX_LISTED = 1000;

  /** The placeholder {@code npm init} writes, which fails on purpose. */
  static final String NPM_PLACEHOLDER = "no test specified";

  private static final ObjectMapper JSON =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(64)
                          .maxStringLength(MAX_BYTES)
                          .maxNameLength(4096)
                          .build())
                  .build())
          .build();

  private static final Pattern MAKE_RULE = Pattern.compile("^([^\\s#:=][^:=#]*?)\\s*::?(?![:=])");
  private static final Pattern PYTEST_FILE = Pattern.compile("test_.*\\.py|.*_test\\.py");

  private ChecksDetection() {}

  /** Names of the regular files directly in a directory of the starting commit. */
  @FunctionalInterface
  public interface Listing {
    List<String> names(String dir, int max);
  }

  /** The environment's own checks, else those detected; empty when there are none. */
  public static Optional<ChecksCommand> resolve(
      RepoEnvironment environment, Environments.StartFiles files, Listing listing) {
    if (environment.checks().isPresent()) {
      return Optional.of(new ChecksCommand(environment.checks().get(), "settings"));
    }
    return detect(files, listing);
  }

  static Optional<ChecksCommand> detect(Environments.StartFiles files, Listing listing) {
    Repo repo = new Repo(files);
    if (npmTest(repo.text("package.json"))) {
      return found("npm test", "package.json");
    }
    if (repo.has("pom.xml")) {
      return found(repo.has("mvnw") ? "./mvnw -q test" : "mvn -q test", "pom.xml");
    }
    if (repo.has("gradlew")) {
      return found("./gradlew test", "gradlew");
    }
    Optional<String> pytest = pytestBy(repo, listing);
    if (pytest.isPresent()) {
      return found("python3 -m pytest", pytest.get());
    }
    if (repo.has("go.mod")) {
      return found("go test ./...", "go.mod");
    }
    if (repo.has("Cargo.toml")) {
      return found("cargo test", "Cargo.toml");
    }
    for (String makefile : List.of("GNUmakefile", "makefile", "Makefile")) {
      if (hasTestTarget(repo.text(makefile))) {
        return found("make test", makefile);
      }
    }
    return Optional.empty();
  }

  private static Optional<ChecksCommand> found(String script, String source) {
    return Optional.of(new ChecksCommand(script, source));
  }

  static boolean npmTest(Optional<String> packageJson) {
    if (packageJson.isEmpty()) {
      return false;
    }
    JsonNode test;
    try {
      test = JSON.readTree(packageJson.get()).path("scripts").path("test");
    } catch (IOException | RuntimeException unreadable) {
      return false; // npm could not read it either
    }
    return test.isTextual()
        && !test.asText().isBlank()
        && !test.asText().toLowerCase(Locale.ROOT).contains(NPM_PLACEHOLDER);
  }

  private static Optional<String> pytestBy(Repo repo, Listing listing) {
    if (repo.has("pytest.ini")) {
      return Optional.of("pytest.ini");
    }
    if (section(repo.text("pyproject.toml"), "[tool.pytest.ini_options]")) {
      return Optional.of("pyproject.toml");
    }
    if (section(repo.text("setup.cfg"), "[tool:pytest]")) {
      return Optional.of("setup.cfg");
    }
    if (section(repo.text("tox.ini"), "[pytest]")) {
      return Optional.of("tox.ini");
    }
    if (repo.has("conftest.py")) {
      return Optional.of("conftest.py");
    }
    for (String dir : List.of("tests", "test")) {
      if (listing.names(dir, MAX_LISTED).stream()
          .anyMatch(name -> PYTEST_FILE.matcher(name).matches())) {
        return Optional.of(dir + "/");
      }
    }
    return Optional.empty();
  }

  /** Whether an INI or TOML file opens {@code header} on a line of its own. */
  private static boolean section(Optional<String> text, String header) {
    return text.isPresent() && text.get().lines().anyMatch(line -> line.strip().equals(header));
  }

  /** Whether a makefile has a rule whose targets include {@code test}. */
  static boolean hasTestTarget(Optional<String> makefile) {
    if (makefile.isEmpty()) {
      return false;
    }
    return makefile
        .get()
        .lines()
        .map(MAKE_RULE::matcher)
        .filter(java.util.regex.Matcher::find)
        .anyMatch(rule -> List.of(rule.group(1).strip().split("\\s+")).contains("test"));
  }

  /** The starting commit's files, none read past the cap. */
  private static final class Repo {
    private final Environments.StartFiles files;

    Repo(Environments.StartFiles files) {
      this.files = files;
    }

    boolean has(String path) {
      return files.read(path, 0).isPresent();
    }

    Optional<String> text(String path) {
      return files
          .read(path, MAX_BYTES)
          .filter(bytes -> bytes.length <= MAX_BYTES)
          .map(bytes -> new String(bytes, StandardCharsets.UTF_8));
    }
  }
}
