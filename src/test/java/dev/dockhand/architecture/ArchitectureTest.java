package dev.dockhand.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules the build enforces, checked against the main code. The top-level packages form
 * layers: {@code config} (keys, secrets) at the bottom, {@code app} (the whole configuration and
 * the wiring of a node) and {@code cli} at the top. The HTTP layer sits just below them: nothing
 * that runs tasks, stores them or talks to Docker, git, GitHub or the model knows it.
 */
class ArchitectureTest {
  private static JavaClasses main;

  @BeforeAll
  static void importMainCode() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.dockhand");
  }

  /** The root package (exceptions, Json, Main) is outside the slices. */
  @Test
  void noTwoTopLevelPackagesDependOnEachOther() {
    slices().matching("dev.dockhand.(*)..").should().beFreeOfCycles().check(main);
  }

  @Test
  void theQueueTheAgentTheSandboxAndTheirPeersDependOnNoWebClass() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.dockhand.queue..",
            "dev.dockhand.agent..",
            "dev.dockhand.sandbox..",
            "dev.dockhand.egress..",
            "dev.dockhand.git..",
            "dev.dockhand.github..",
            "dev.dockhand.events..",
            "dev.dockhand.store..",
            "dev.dockhand.metrics..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.dockhand.web..", "dev.dockhand.cli..")
        .check(main);
  }

  @Test
  void theTaskPipelineDependsOnNoWebClass() {
    noClasses()
        .that()
        .resideInAPackage("dev.dockhand.run..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.dockhand.web..")
        .check(main);
  }

  /**
   * A task's status is written by queue/TaskTransitions alone, which checks every move: no other
   * main source holds SQL that sets the status column or inserts a task row.
   */
  @Test
  void onlyTheTransitionsModuleWritesATasksStatus() throws IOException {
    Pattern writesStatus =
        Pattern.compile(
            "(?i)(SET\\s+status\\s*=|,\\s*status\\s*=\\s*[:'?]|INSERT\\s+INTO\\s+tasks\\b)");
    Path transitions = Path.of("src/main/java/dev/dockhand/queue/TaskTransitions.java");
    assertThat(Files.readString(transitions)).containsPattern(writesStatus);
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      List<String> writers =
          files
              .filter(file -> file.toString().endsWith(".java") && !file.equals(transitions))
              .filter(file -> writesStatus.matcher(read(file)).find())
              .map(Path::toString)
              .toList();
      assertThat(writers).isEmpty();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
