package dev.dockhand.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules the build enforces, checked against the main code. The HTTP layer sits on top:
 * nothing that runs tasks, stores them or talks to Docker, git, GitHub or the model knows it.
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
        .and()
        .doNotHaveSimpleName("Node")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.dockhand.web..")
        .check(main);
  }
}
