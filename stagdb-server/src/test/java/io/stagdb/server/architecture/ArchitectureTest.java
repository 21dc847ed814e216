package io.stagdb.server.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ARCHITECTURE.md's dependency table and library confinement, checked on the production classes of
 * every module (stagdb-server's test class path sees them all).
 */
class ArchitectureTest {
  private static final String DOMAIN = "io.stagdb.domain..";
  private static final String ZFS = "io.stagdb.zfs..";
  private static final String DOCKER = "io.stagdb.docker..";
  private static final String HTTP = "io.stagdb.http..";
  private static final String SERVER = "io.stagdb.server..";
  private static final String JUNIT = "io.stagdb.junit..";
  private static final String CLI = "io.stagdb.cli..";
  /** Every package a rule below is about. */
  private static final List<String> RULE_PACKAGES = List.of("io.stagdb.domain", "io.stagdb.zfs", "io.stagdb.docker",
      "io.stagdb.http", "io.stagdb.server", "io.stagdb.cli");

  private static JavaClasses production;

  @BeforeAll
  static void importClasses() {
    // Other modules arrive as jars (or target/classes); test code, including the domain's testkit
    // jar, is left out: only production code is held to the table.
    ImportOption productionOnly = location -> !location.contains("/test-classes/") && !location.contains("-tests.jar");
    production = new ClassFileImporter().withImportOption(productionOnly).importPackages("io.stagdb");
  }

  private static void check(ArchRule rule) {
    rule.check(production);
  }

  @Test
  void everyPackageARuleNamesHoldsClasses() {
    for (String pkg : RULE_PACKAGES) {
      assertThat(production.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)))
          .as("classes in %s (a rule on an empty package passes silently)", pkg).isTrue();
    }
  }

  @Test
  void theDomainDependsOnTheJdkOnly() {
    check(classes().that().resideInAPackage(DOMAIN).should().onlyDependOnClassesThat()
        .resideInAnyPackage(DOMAIN, "java..", "javax.crypto.."));
  }

  @Test
  void adaptersDoNotKnowEachOther() {
    check(noClasses().that().resideInAPackage(ZFS).should().dependOnClassesThat().resideInAnyPackage(DOCKER, HTTP, SERVER, JUNIT));
    check(noClasses().that().resideInAPackage(DOCKER).should().dependOnClassesThat().resideInAnyPackage(ZFS, HTTP, SERVER, JUNIT));
    check(noClasses().that().resideInAPackage(HTTP).should().dependOnClassesThat()
        .resideInAnyPackage(ZFS, DOCKER, SERVER, JUNIT, CLI));
    check(noClasses().that().resideInAnyPackage(ZFS, DOCKER).should().dependOnClassesThat().resideInAPackage(CLI));
  }

  @Test
  void theUserCommandsTalkToAServerThroughTheClientOnly() {
    check(classes().that().resideInAPackage(CLI).should().onlyDependOnClassesThat().resideInAnyPackage(CLI,
        "io.stagdb.client..", "io.stagdb.api..", "picocli..", "com.fasterxml.jackson..", "java..", "javax..", "sun.misc.."));
  }

  @Test
  void onlyTheJunitModuleSitsAboveTheServer() {
    check(noClasses().that().resideOutsideOfPackage(JUNIT).should().dependOnClassesThat().resideInAPackage(JUNIT));
  }

  @Test
  void librariesStayInTheirAdapters() {
    check(noClasses().that().resideOutsideOfPackage(ZFS).should().dependOnClassesThat().resideInAPackage("jnr.."));
    check(noClasses().that().resideOutsideOfPackage(DOCKER).should().dependOnClassesThat()
        .resideInAnyPackage("com.github.dockerjava..", "com.mongodb..", "org.bson.."));
    check(noClasses().that().resideOutsideOfPackages(HTTP, SERVER).should().dependOnClassesThat()
        .resideInAnyPackage("io.javalin..", "io.github.bucket4j.."));
    check(noClasses().that().resideOutsideOfPackage(JUNIT).should().dependOnClassesThat().resideInAnyPackage("org.junit.."));
    check(noClasses().that().resideOutsideOfPackage(SERVER).should().dependOnClassesThat()
        .resideInAnyPackage("org.sqlite..", "ch.qos.logback.."));
    check(noClasses().that().resideOutsideOfPackages(SERVER, CLI).should().dependOnClassesThat().resideInAPackage("picocli.."));
    check(noClasses().that().resideOutsideOfPackages(HTTP, SERVER).should().dependOnClassesThat()
        .resideInAnyPackage("io.micrometer..", "org.bouncycastle.."));
    check(noClasses().that().resideOutsideOfPackages(SERVER, JUNIT).should().dependOnClassesThat()
        .resideInAPackage("org.flywaydb.."));
  }

  @Test
  void noCycles() {
    check(slices().matching("io.stagdb.(*)..").should().beFreeOfCycles());
  }
}
