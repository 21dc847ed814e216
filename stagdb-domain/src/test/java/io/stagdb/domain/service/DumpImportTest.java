package io.stagdb.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.DumpFormat;
import io.stagdb.domain.model.Engine;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.port.in.CreateDatabase;
import io.stagdb.domain.port.in.DumpImport;
import io.stagdb.domain.service.ReconcileReport.Kind;
import io.stagdb.domain.testkit.InMemoryStagDb;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dump upload: its format told from its first bytes, all or nothing through the safety point, and a cut-short one rolled back by the reconciler. */
class DumpImportTest {
  @TempDir
  Path dir;
  InMemoryStagDb stag;
  StagDbService service;
  Database db;

  @BeforeEach
  void setUp() throws IOException {
    stag = new InMemoryStagDb(dir);
    service = stag.service;
    db = service.create(CreateDatabase.of(DatabaseName.of("target"), EngineVersion.parse("postgresql", "15")));
    Files.writeString(data().resolve("before"), "kept");
  }

  private Path data() {
    return stag.volumes.mountPath(service.get(db.name()).volume());
  }

  private static InputStream text(String dump) {
    return new ByteArrayInputStream(dump.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void formatsAreToldFromTheFirstBytes() {
    byte[] custom = "PGDMP\u0001\u000e\u0000\u0004\u0008".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(DumpFormat.detect(Engine.POSTGRESQL, custom, custom.length)).isEqualTo(DumpFormat.POSTGRES_CUSTOM);
    byte[] sql = "-- PostgreSQL database dump\nSET statement_timeout = 0;\nCOPY t (x) FROM stdin;\nä€".getBytes(StandardCharsets.UTF_8);
    assertThat(DumpFormat.detect(Engine.POSTGRESQL, sql, sql.length)).isEqualTo(DumpFormat.SQL);
    assertThat(DumpFormat.detect(Engine.MARIADB, sql, sql.length - 1)).as("a character cut by the head's end").isEqualTo(DumpFormat.SQL);
    byte[] gzip = {0x1f, (byte) 0x8b, 0x08, 0x00, 0x00};
    assertThatThrownBy(() -> DumpFormat.detect(Engine.POSTGRESQL, gzip, gzip.length))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("body"))
        .hasMessageContaining("unknown dump format").hasMessageContaining("pg_dump -Fc");
    assertThatThrownBy(() -> DumpFormat.detect(Engine.MARIADB, custom, custom.length)).hasMessageContaining("mysqldump");
    assertThatThrownBy(() -> DumpFormat.detect(Engine.POSTGRESQL, new byte[0], 0)).hasMessageContaining("empty");
    assertThatThrownBy(() -> DumpFormat.detect(Engine.MONGODB, sql, sql.length)).hasMessageContaining("MongoDB");
  }

  @Test
  void aDumpIsStreamedToTheEngineAndNoSafetyPointIsLeft() {
    DumpImport done = service.importDump(db.name(), text("CREATE TABLE t (x int);\n"));
    assertThat(done.format()).isEqualTo(DumpFormat.SQL);
    assertThat(done.bytes()).isEqualTo(24);
    assertThat(stag.runtime.scriptsRun(db.id())).containsExactly("restore SQL 24");
    assertThat(stag.volumes.snapshotExists(db.volume(), DumpImports.SAFETY_POINT)).isFalse();
  }

  @Test
  void aRefusedDumpPutsTheDataBackAsItWas() {
    InputStream halfLoaded = text("CREATE TABLE a (x int);\nREFUSE\n");   // the fake engine writes, then refuses
    assertThatThrownBy(() -> service.importDump(db.name(), halfLoaded))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("body"));
    assertThat(data().resolve("half-loaded")).doesNotExist();
    assertThat(data().resolve("before")).hasContent("kept");
    assertThat(stag.volumes.snapshotExists(db.volume(), DumpImports.SAFETY_POINT)).isFalse();
    assertThat(service.get(db.name()).status()).isEqualTo(io.stagdb.domain.model.DatabaseStatus.RUNNING);
  }

  @Test
  void anUnknownFormatIsRefusedBeforeAnythingIsTouched() {
    assertThatThrownBy(() -> service.importDump(db.name(), new ByteArrayInputStream(new byte[] {0x1f, (byte) 0x8b, 8, 0})))
        .hasMessageContaining("unknown dump format");
    assertThat(stag.faults.calls("volumes.snapshot")).isZero();
    assertThat(stag.runtime.scriptsRun(db.id())).isEmpty();
  }

  @Test
  void onlyARunningDatabaseTakesADump() {
    service.stop(db.name());
    assertThatThrownBy(() -> service.importDump(db.name(), text("SELECT 1;")))
        .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.reason()).isEqualTo(ConflictException.Reason.INVALID_STATE))
        .hasMessageContaining("start it first");
  }

  @Test
  void anImportCutShortByACrashIsRolledBackByTheReconciler() throws IOException {
    // the server died mid-import: its safety point is there, the data after it half-loaded
    stag.volumes.snapshot(db.volume(), DumpImports.SAFETY_POINT);
    Files.writeString(data().resolve("half-loaded"), "x");
    ReconcileReport report = service.reconciler(true).reconcile(false);
    assertThat(report.actions()).anySatisfy(a -> assertThat(a.kind()).isEqualTo(Kind.UNDO_IMPORT));
    assertThat(data().resolve("half-loaded")).doesNotExist();
    assertThat(data().resolve("before")).hasContent("kept");
    assertThat(stag.volumes.snapshotExists(db.volume(), DumpImports.SAFETY_POINT)).isFalse();
    assertThat(stag.runtime.state(db.id())).isEqualTo(io.stagdb.domain.port.out.ContainerState.RUNNING);
  }
}
