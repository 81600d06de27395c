package dev.dockhand.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package rules the build enforces, checked against the main code. */
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
  void noTwoTopLevelPackagesDependOnEachOther() {
    slices().matching("dev.dockhand.(*)..").should().beFreeOfCycles().check(main);
  }

  @Test
  void thePipelineAndTheQueueDependOnNoWebClass() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.dockhand.run..", "dev.dockhand.queue..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.dockhand.web..")
        .check(main);
  }
}
