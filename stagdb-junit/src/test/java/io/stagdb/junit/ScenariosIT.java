package io.stagdb.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.stagdb.api.Dto;
import io.stagdb.client.StagDbApiException;
import io.stagdb.client.StagDbClient;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;

/**
 * What the extension does around tests, each checked by running a small test class (the static
 * nested classes below, not run on their own) in a nested JUnit run.
 */
@Execution(ExecutionMode.SAME_THREAD)
class ScenariosIT {
  static final List<String> SEEN = new CopyOnWriteArrayList<>();
  private static StagDbClient client;

  @BeforeAll
  static void connect() {
    client = StagDbClient.create(URI.create(System.getProperty("stagdb.url")), System.getProperty("stagdb.apiKey"));
  }

  static EngineExecutionResults run(Class<?> scenario, Map<String, String> config) {
    SEEN.clear();
    EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").configurationParameters(config)
        .selectors(selectClass(scenario)).execute();
    // show why a scenario's tests failed, so an assertion on the statistics explains itself
    results.allEvents().failed().stream().map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class))
        .flatMap(java.util.Optional::stream).flatMap(r -> r.getThrowable().stream())
        .forEach(t -> System.out.println("[" + scenario.getSimpleName() + "] failed: " + t));
    return results;
  }

  static EngineExecutionResults run(Class<?> scenario) {
    return run(scenario, Map.of("stagdb.pool.size", "0"));
  }

  private static boolean exists(String database) {
    try {
      client.getDatabase(database);
      return true;
    } catch (StagDbApiException.NotFound e) {
      return false;
    }
  }

  /** Retries an assertion for up to a minute: what a run's end starts finishes in the background. */
  static void eventually(Runnable assertion) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Whether a branch the run gave up is gone within a while: deletes answer at once and finish in the background. */
  static boolean goneSoon(String database) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!exists(database)) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  // ---- keepOnFailure ----

  @StagDbBranch(source = JunitTestServer.BASE, keepOnFailure = true)
  static class FailsAndKeeps {
    @Test
    void fails(Branch branch) {
      SEEN.add(branch.name());
      throw new AssertionError("failing on purpose");
    }
  }

  @StagDbBranch(source = JunitTestServer.BASE)
  static class FailsAndCleansUp {
    @Test
    void fails(Branch branch) {
      SEEN.add(branch.name());
      throw new AssertionError("failing on purpose");
    }
  }

  @Test
  void aFailedTestsBranchIsKeptAndItsUrlReportedOnlyWhenAsked() throws InterruptedException {
    EngineExecutionResults kept = run(FailsAndKeeps.class);
    kept.testEvents().assertStatistics(s -> s.started(1).failed(1));
    String branch = SEEN.get(0);
    assertThat(exists(branch)).as("kept branch %s", branch).isTrue();
    List<String> reported = kept.allEvents().reportingEntryPublished().stream()
        .map(e -> e.getPayload(ReportEntry.class).orElseThrow().getKeyValuePairs().get("stagdb.keptBranch"))
        .filter(java.util.Objects::nonNull).toList();
    assertThat(reported).singleElement().asString().contains(branch).contains("jdbc:postgresql://");
    client.deleteDatabaseAndWait(branch, false);

    run(FailsAndCleansUp.class).testEvents().assertStatistics(s -> s.failed(1));
    assertThat(goneSoon(SEEN.get(0))).isTrue();
  }

  // ---- injection ----

  @StagDbBranch(source = JunitTestServer.BASE, name = "shared", scope = StagDbBranch.Scope.CLASS)
  static class InjectsEveryWay {
    @StagDbInject("shared")
    Branch sharedField;
    @StagDbInject("a")
    Branch fieldA;
    @StagDbInject("b")
    DataSource dataSourceB;
    @JdbcUrl("a")
    String urlA;

    @Test
    @StagDbBranch(source = JunitTestServer.BASE, name = "a")
    @StagDbBranch(source = JunitTestServer.BASE, name = "b")
    void fieldsParametersAndNamedBranches(@StagDbInject("a") Branch a, @StagDbInject("b") Branch b,
                                          @JdbcUrl("b") String urlB, @StagDbInject("shared") DataSource shared)
        throws SQLException {
      assertThat(a.name()).isNotEqualTo(b.name());
      assertThat(fieldA).isEqualTo(a);
      assertThat(urlA).isEqualTo(a.jdbcUrl());
      assertThat(urlB).isEqualTo(b.jdbcUrl());
      assertThat(sharedField).isEqualTo(StagDbBranches.named(InjectsEveryWay.class, "shared"));
      try (Connection c = dataSourceB.getConnection(); Connection s = shared.getConnection()) {
        assertThat(BranchSuite.count(c, "SELECT count(*) FROM items")).isEqualTo(3);
        assertThat(BranchSuite.count(s, "SELECT count(*) FROM items")).isEqualTo(3);
        c.createStatement().execute("DELETE FROM items");
        assertThat(BranchSuite.count(s, "SELECT count(*) FROM items")).as("b's change is not in shared").isEqualTo(3);
      }
      SEEN.add(sharedField.name());
    }

    @Test
    void theClassBranchIsSharedByItsTests(@StagDbInject("shared") Branch shared) {
      SEEN.add(shared.name());
    }
  }

  @Test
  void injectionByParameterAndFieldWithNamedAndClassScopedBranches() throws InterruptedException {
    run(InjectsEveryWay.class, Map.of("stagdb.pool.size", "0", "junit.jupiter.execution.parallel.enabled", "false"))
        .testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
    assertThat(SEEN).hasSize(2);
    assertThat(SEEN.get(0)).as("one class-scoped branch for both tests").isEqualTo(SEEN.get(1));
    assertThat(goneSoon(SEEN.get(0))).as("deleted after the run").isTrue();
  }

  // ---- composed annotations ----

  /** A team's own annotation, composed from @StagDbBranch. */
  @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
  @java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)
  @StagDbBranch(source = JunitTestServer.BASE, memory = "256m")
  @interface QaBaseline {
  }

  @QaBaseline
  static class UsesAComposedAnnotation {
    @Test
    void getsItsBranch(Branch branch, DataSource db) throws SQLException {
      SEEN.add(branch.name());
      try (Connection c = db.getConnection()) {
        assertThat(BranchSuite.count(c, "SELECT count(*) FROM items")).isEqualTo(3);
      }
    }
  }

  @Test
  void worksAsAMetaAnnotationWithResourceOverrides() {
    run(UsesAComposedAnnotation.class).testEvents().assertStatistics(s -> s.succeeded(1));
    assertThat(SEEN).hasSize(1);
  }

  // ---- a database as the source ----

  @StagDbBranch(source = JunitTestServer.SOURCE)
  static class FromADatabase {
    @Test
    void seesTheDatabaseAsItIsNow(DataSource db) throws SQLException {
      try (Connection c = db.getConnection()) {
        assertThat(BranchSuite.count(c, "SELECT count(*) FROM items")).isEqualTo(3);
      }
    }
  }

  @Test
  void aDatabaseSourceIsBranchedThroughAnAutomaticSnapshot() {
    run(FromADatabase.class).testEvents().assertStatistics(s -> s.succeeded(1));
    // the run's end starts deleting its branches; the automatic snapshot goes with the last of them
    eventually(() -> assertThat(client.snapshots(JunitTestServer.SOURCE)).extracting(Dto.Snapshot::name)
        .as("the automatic snapshot went with its branch").containsExactly(JunitTestServer.BASE));
  }

  // ---- stagDB unreachable ----

  @StagDbBranch(source = JunitTestServer.BASE)
  static class NeedsStagDb {
    @Test
    void usesIt(Branch branch) {
      assertThat(branch).isNotNull();
    }
  }

  @Test
  void unreachableStagDbDisablesTestsWithAReasonUnlessRequired() {
    EngineExecutionResults disabled = run(NeedsStagDb.class,
        Map.of("stagdb.url", "http://127.0.0.1:1", "stagdb.required", "false"));
    List<Event> skipped = disabled.containerEvents().skipped().list();
    assertThat(skipped).singleElement().satisfies(e ->
        assertThat(e.getPayload(String.class).orElse("")).contains("unreachable").contains("127.0.0.1:1"));
    disabled.testEvents().assertStatistics(s -> s.started(0));

    EngineExecutionResults required = run(NeedsStagDb.class,
        Map.of("stagdb.url", "http://127.0.0.1:1", "stagdb.required", "true"));
    assertThat(required.allEvents().filter(e -> e.getType() == EventType.FINISHED
        && e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
        .map(r -> r.getStatus() == org.junit.platform.engine.TestExecutionResult.Status.FAILED).orElse(false)).count())
        .as("a failure, not a skip").isPositive();
  }

  // ---- Flyway migrations, cached across runs ----

  @StagDbBranch(source = JunitTestServer.BASE, migrations = "classpath:stagdb-it/migration")
  static class Migrated {
    @Test
    void seesTheMigratedSchema(DataSource db) throws SQLException {
      try (Connection c = db.getConnection()) {
        assertThat(BranchSuite.count(c, "SELECT count(*) FROM orders")).isEqualTo(2);
        assertThat(BranchSuite.count(c, "SELECT count(*) FROM flyway_schema_history WHERE version = '1' AND success"))
            .isEqualTo(1);
      }
    }
  }

  @Test
  void migrationsRunOnceAndTheirSnapshotIsReusedByTheNextRun() {
    String hash = Migrations.hash(JunitTestServer.BASE, new String[] {"classpath:stagdb-it/migration"});
    run(Migrated.class).testEvents().assertStatistics(s -> s.succeeded(1));
    Dto.Database cache = client.getDatabase("jm-" + hash);
    assertThat(client.getSnapshot("mig-" + hash).database()).isEqualTo("jm-" + hash);
    assertThat(cache.status()).as("kept, stopped").isEqualTo("stopped");

    run(Migrated.class).testEvents().assertStatistics(s -> s.succeeded(1));
    assertThat(client.getDatabase("jm-" + hash).createdAt()).as("not migrated again").isEqualTo(cache.createdAt());
    client.deleteDatabaseAndWait("jm-" + hash, true);
  }
}
