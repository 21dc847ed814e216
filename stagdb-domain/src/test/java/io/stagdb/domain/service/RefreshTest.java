package io.stagdb.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.Event;
import io.stagdb.domain.model.EventType;
import io.stagdb.domain.model.ImportSource;
import io.stagdb.domain.model.RefreshPolicy;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.port.in.CreateBranch;
import io.stagdb.domain.port.in.CreateDatabase;
import io.stagdb.domain.testkit.InMemoryStagDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Refresh: a fresh copy in a staging volume, switched over under the same name, port and password; retention; schedule. */
class RefreshTest {
  @TempDir
  Path dir;
  InMemoryStagDb stag;

  @BeforeEach
  void setUp() {
    stag = new InMemoryStagDb(dir);
    stag.runtime.addSource("prod.internal", "15.10", 2);
  }

  private Database imported(String name, RefreshPolicy policy) {
    return stag.service.create(new CreateDatabase(DatabaseName.of(name), EngineVersion.parse("postgresql", "15"), null, null,
        null, null, null, null, null, ImportSource.parse("postgresql://reader:secret@prod.internal/app"), policy));
  }

  private List<String> snapshotNames(Database db) {
    return stag.service.snapshots(db.name()).stream().map(s -> s.name().value()).sorted().toList();
  }

  @Test
  void aRefreshSwitchesToAFreshCopyUnderTheSameNamePortAndPasswordAndSnapshotsIt() throws Exception {
    Database before = imported("app", null);
    Files.writeString(stag.volumes.mountPath(before.volume()).resolve("old-data"), "x");
    stag.clock.advance(Duration.ofHours(1));

    Database after = stag.service.refresh(before.name());

    assertThat(after.status()).isEqualTo(DatabaseStatus.RUNNING);
    assertThat(after.volume()).isNotEqualTo(before.volume());
    assertThat(after.port()).isEqualTo(before.port());
    assertThat(after.credentials()).isEqualTo(before.credentials());
    assertThat(stag.runtime.specOf(after.id()).dataPath()).isEqualTo(stag.volumes.mountPath(after.volume()));
    Path data = stag.volumes.mountPath(after.volume());
    assertThat(data.resolve("imported")).as("a fresh copy").exists();
    assertThat(data.resolve("old-data")).doesNotExist();
    assertThat(snapshotNames(after)).containsExactly("app-import-20261125-100000", "app-refresh-20261125-110000");
    assertThat(stag.volumeNames()).as("the earlier volume stays for its import snapshot").contains(before.volume(), after.volume())
        .hasSize(2);
    assertThat(stag.catalog.databases()).as("no staging row left").extracting(Database::name).containsExactly(before.name());
    assertThat(stag.runtime.list()).hasSize(1);
    assertThat(stag.catalog.events()).filteredOn(e -> e.type() == EventType.IMPORT_DONE).extracting(e -> e.data().get("kind"))
        .containsExactly("import", "refresh");
  }

  @Test
  void onlyTheNewestKeepSnapshotsStayAndOnesWithBranchesAreKept() {
    Database db = imported("app", new RefreshPolicy(null, 1));
    Snapshot first = stag.service.snapshots(db.name()).get(0);
    Database branch = stag.service.branchFromSnapshot(first.name(), new CreateBranch(DatabaseName.of("feature"), null, null, null, null));
    for (int i = 1; i <= 2; i++) {
      stag.clock.advance(Duration.ofHours(1));
      stag.service.refresh(db.name());
    }
    assertThat(snapshotNames(db)).as("the newest, and the one a branch was made of")
        .containsExactly("app-import-20261125-100000", "app-refresh-20261125-120000");
    assertThat(stag.service.get(branch.name()).status()).isEqualTo(DatabaseStatus.RUNNING);
    Database now = stag.service.get(db.name());
    assertThat(stag.volumeNames()).as("the middle refresh's volume went with its snapshot")
        .containsExactlyInAnyOrder(first.volume(), now.volume(), branch.volume());
  }

  @Test
  void aRefreshThatFailsLeavesTheDatabaseAsItWasWithTheReason() throws Exception {
    Database before = imported("app", null);
    List<String> volumes = stag.volumeNames();
    stag.faults.failOnCall("runtime.copyFrom.restore", 1);

    assertThatThrownBy(() -> stag.service.refresh(before.name())).hasMessageContaining("injected");

    Database after = stag.service.get(before.name());
    assertThat(after.status()).isEqualTo(DatabaseStatus.RUNNING);
    assertThat(after.volume()).isEqualTo(before.volume());
    assertThat(after.statusDetail()).startsWith("last refresh failed:");
    assertThat(stag.volumeNames()).isEqualTo(volumes);
    assertThat(stag.runtime.list()).hasSize(1);
    assertThat(stag.catalog.databases()).hasSize(1);
    assertThat(stag.catalog.events()).extracting(Event::type).contains(EventType.IMPORT_FAILED);
    assertThat(stag.service.refresh(before.name()).statusDetail()).as("a later refresh clears it").isNull();
  }

  @Test
  void aScheduledRefreshRunsWhenItIsDueAndABadScheduleOrNoSourceIsRefused() {
    Database db = imported("app", new RefreshPolicy("every 90m", 3));
    stag.clock.advance(Duration.ofMinutes(89));
    stag.service.refreshDue();
    assertThat(stag.service.awaitBackgroundWork(Duration.ofSeconds(10))).isTrue();
    assertThat(snapshotNames(db)).hasSize(1);
    stag.clock.advance(Duration.ofMinutes(2));
    stag.service.refreshDue();
    assertThat(stag.service.awaitBackgroundWork(Duration.ofSeconds(10))).isTrue();
    assertThat(snapshotNames(db)).containsExactly("app-import-20261125-100000", "app-refresh-20261125-113100");

    assertThatThrownBy(() -> imported("bad", new RefreshPolicy("whenever", 3)))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("source.refresh"));
    Database plain = stag.service.create(CreateDatabase.of(DatabaseName.of("plain"), EngineVersion.parse("postgresql", "15")));
    assertThatThrownBy(() -> stag.service.refresh(plain.name())).isInstanceOf(ConflictException.class)
        .hasMessageContaining("was not imported from a source");
    assertThat(stag.catalog.databases()).extracting(d -> d.name().value()).containsExactlyInAnyOrder("app", "plain");
  }
}
