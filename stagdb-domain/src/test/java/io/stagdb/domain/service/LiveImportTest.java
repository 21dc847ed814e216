package io.stagdb.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.Event;
import io.stagdb.domain.model.EventType;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.ImportSource;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.port.in.CreateDatabase;
import io.stagdb.domain.port.in.ImportProgress;
import io.stagdb.domain.service.ReconcileReport.Kind;
import io.stagdb.domain.testkit.Faults;
import io.stagdb.domain.testkit.InMemoryStagDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database created from a live source: probed, IMPORTING with progress, snapshotted when done, undone on failure. */
class LiveImportTest {
  @TempDir
  Path dir;
  InMemoryStagDb stag;

  @BeforeEach
  void setUp() {
    stag = new InMemoryStagDb(dir);
    stag.runtime.addSource("prod.internal", "15.10", 3);
  }

  private static CreateDatabase from(String name, String version, String url) {
    return new CreateDatabase(DatabaseName.of(name), EngineVersion.parse("postgresql", version), null, null, null,
        List.of("UPDATE users SET email = 'masked'"), null, null, null, ImportSource.parse(url), null);
  }

  @Test
  void anImportedDatabaseIsFilledThenScriptedThenSnapshottedAndAnnounced() {
    Database db = stag.service.create(from("app", "15", "postgresql://reader:secret@prod.internal/app"));

    assertThat(db.status()).isEqualTo(DatabaseStatus.RUNNING);
    assertThat(db.source().masked()).isEqualTo("postgresql://reader:********@prod.internal:5432/app");
    assertThat(stag.runtime.scriptsRun(db.id())).as("the copy first, then the init scripts (masking, say)")
        .containsExactly("import postgresql://reader:********@prod.internal:5432/app", "UPDATE users SET email = 'masked'");
    List<Snapshot> snapshots = stag.service.snapshots(db.name());
    assertThat(snapshots).singleElement().satisfies(s -> {
      assertThat(s.name().value()).isEqualTo("app-import-20261125-100000");
      assertThat(s.automatic()).as("a named snapshot, kept until deleted").isFalse();
    });
    assertThat(stag.volumeSnapshots()).hasSize(1);
    assertThat(stag.catalog.events()).extracting(Event::type)
        .containsSubsequence(EventType.DATABASE_CREATED, EventType.SNAPSHOT_CREATED, EventType.IMPORT_DONE);
    Event done = stag.catalog.events().stream().filter(e -> e.type() == EventType.IMPORT_DONE).findFirst().orElseThrow();
    assertThat(done.data()).containsEntry("snapshot", "app-import-20261125-100000")
        .containsEntry("source", "postgresql://reader:********@prod.internal:5432/app");
    assertThat(done.data().toString()).doesNotContain("secret");
    assertThat(stag.service.importProgress(db)).as("no copy under way any more").isEmpty();
  }

  @Test
  void whileTheCopyRunsTheDatabaseIsImportingAndShowsItsProgress() throws Exception {
    Faults.Pause held = stag.faults.pauseOnCall("runtime.copyFrom.restore", 1);
    Database creating = stag.service.createInBackground(from("app", "15", "postgresql://reader:secret@prod.internal/app"));
    assertThat(creating.status()).isEqualTo(DatabaseStatus.CREATING);
    assertThat(held.awaitReached(10)).isTrue();
    stag.clock.advance(Duration.ofSeconds(42));

    Database importing = stag.service.get(DatabaseName.of("app"));
    assertThat(importing.status()).isEqualTo(DatabaseStatus.IMPORTING);
    ImportProgress progress = stag.service.importProgress(importing).orElseThrow();
    assertThat(progress.phase()).isEqualTo("restore");
    assertThat(progress.objectsDone()).isZero();
    assertThat(progress.objectsTotal()).isEqualTo(3);
    assertThat(progress.bytesTotal()).isEqualTo(3000);
    assertThat(progress.elapsed()).isEqualTo(Duration.ofSeconds(42));
    assertThatThrownBy(() -> stag.service.stop(importing.name())).hasMessageContaining("importing its data");

    held.release();
    assertThat(stag.service.awaitBackgroundWork(Duration.ofSeconds(10))).isTrue();
    assertThat(stag.service.get(DatabaseName.of("app")).status()).isEqualTo(DatabaseStatus.RUNNING);
  }

  @Test
  void aSourceNewerThanTheTargetIsRefusedBeforeAnythingIsCopied() {
    stag.runtime.addSource("new.internal", "16.2", 1);
    assertThatThrownBy(() -> stag.service.create(from("app", "15", "postgresql://reader:secret@new.internal/app")))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("source.url"))
        .hasMessageContaining("runs postgresql 16.2, newer than the target's 15")
        .hasMessageContaining("version 16 or later");
    assertNothingLeft();
    assertThat(stag.catalog.events()).extracting(Event::type).containsExactly(EventType.IMPORT_FAILED);
  }

  @Test
  void anUnreachableSourceOrAWrongPasswordIsAClearErrorThatNeverShowsThePassword() {
    assertThatThrownBy(() -> stag.service.create(from("a", "15", "postgresql://reader:secret@nowhere.internal/app")))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("could not connect to nowhere.internal");
    assertThatThrownBy(() -> stag.service.create(from("b", "15", "postgresql://reader:hunter2@prod.internal/app")))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("password authentication failed")
        .hasMessageNotContaining("hunter2");
    assertNothingLeft();
    assertThat(stag.catalog.events().toString()).doesNotContain("hunter2");
  }

  @Test
  void aCopyThatFailsInTheBackgroundLeavesAFailedRecordWithItsReasonAndNoData() {
    stag.faults.failOnCall("runtime.copyFrom.restore", 1);
    stag.service.createInBackground(from("app", "15", "postgresql://reader:secret@prod.internal/app"));
    assertThat(stag.service.awaitBackgroundWork(Duration.ofSeconds(10))).isTrue();

    Database failed = stag.service.get(DatabaseName.of("app"));
    assertThat(failed.status()).isEqualTo(DatabaseStatus.FAILED);
    assertThat(failed.statusDetail()).startsWith("import failed:").contains("injected");
    assertThat(stag.volumeNames()).isEmpty();
    assertThat(stag.runtime.list()).isEmpty();
    assertThat(stag.catalog.events()).extracting(Event::type).contains(EventType.DATABASE_FAILED, EventType.IMPORT_FAILED);
  }

  @Test
  void anImportCutShortByAServerStopIsUndoneByTheReconciler() throws Exception {
    Faults.Pause held = stag.faults.pauseOnCall("runtime.copyFrom.dump", 1);
    stag.service.createInBackground(from("app", "15", "postgresql://reader:secret@prod.internal/app"));
    assertThat(held.awaitReached(10)).isTrue();
    Database importing = stag.service.get(DatabaseName.of("app"));
    assertThat(importing.status()).isEqualTo(DatabaseStatus.IMPORTING);
    Files.writeString(stag.volumes.mountPath(importing.volume()).resolve("half-copied"), "x");

    // the server "stops": a fresh service over the same catalog, volumes and containers reconciles
    ReconcileReport report = stag.restarted().reconciler(true).reconcile(false);
    try {
      assertThat(report.actions()).extracting(ReconcileReport.Action::kind).contains(Kind.UNDO_CREATE);
      assertThat(report.actions().toString()).contains("was cut short").doesNotContain("secret");
      assertNothingLeft();
      assertThat(stag.catalog.events()).extracting(Event::type).contains(EventType.IMPORT_FAILED);
    } finally {
      held.release();   // the first server's copy, which in a real crash would not go on
    }
  }

  private void assertNothingLeft() {
    assertThat(stag.catalog.databases()).isEmpty();
    assertThat(stag.volumeNames()).isEmpty();
    assertThat(stag.runtime.list()).isEmpty();
  }
}
