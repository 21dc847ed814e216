package io.stagdb.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.Event;
import io.stagdb.domain.model.EventType;
import io.stagdb.domain.model.ResourceRequest;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.in.CreateBranch;
import io.stagdb.domain.port.in.DatabaseFilter;
import io.stagdb.domain.port.in.StepTimings;
import io.stagdb.domain.testkit.InMemoryStagDb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Standbys: branches made ahead for a snapshot being branched from, handed over at once, the server's own. */
class StandbyTest {
  @TempDir
  Path dir;
  InMemoryStagDb stag;
  Database source;

  @BeforeEach
  void setUp() throws IOException {
    stag = new InMemoryStagDb(dir, settings(1, 4));
    source = CompensationTest.createPg(stag, "source");
    Files.writeString(stag.volumes.mountPath(source.volume()).resolve("row.txt"), "v1");
    stag.service.snapshot(source.name(), SnapshotName.of("base"));
  }

  /** {@code standbys} kept per snapshot, up to {@code max} with the branches given back. */
  static StagDbSettings settings(int standbys, int max) {
    return new StagDbSettings(io.stagdb.domain.model.ResourcePolicy.STANDARD, new io.stagdb.domain.model.PortRange(15432,
        16431), Duration.ofSeconds(120), java.util.Map.of(), null, null, 4, standbys, null, max);
  }

  private Database branch(String name) {
    return stag.service.branchFromSnapshot(SnapshotName.of("base"), CreateBranch.named(DatabaseName.of(name)));
  }

  private List<Database> standbys() {
    return stag.catalog.databases().stream().filter(Standbys::isStandby).toList();
  }

  private void settle() {
    assertThat(stag.service.awaitBackgroundWork(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void aBranchLeavesAStandbyThatTheNextOneIsHandedOverFrom() throws IOException {
    Database first = branch("ci-build-1");
    settle();
    assertThat(standbys()).singleElement().satisfies(s -> assertThat(s.origin()).isEqualTo(first.origin()));
    Database standby = standbys().get(0);

    StepTimings.Recorded<Database> second = StepTimings.record(() -> branch("ci-build-2"));
    assertThat(second.value().id()).isEqualTo(standby.id());   // handed over, not made
    assertThat(second.steps()).extracting(StepTimings.Step::name).doesNotContain("clone", "container")
        .contains("rename", "catalog");
    assertThat(second.value().credentials().password()).isNotEqualTo(source.credentials().password());
    assertThat(stag.runtime.specOf(standby.id()).name()).isEqualTo(DatabaseName.of("ci-build-2"));
    assertThat(stag.volumes.mountPath(second.value().volume()).resolve("row.txt")).hasContent("v1");
    stag.runtime.awaitReady(standby.id(), second.value().credentials(), Duration.ofSeconds(1));

    settle();   // and another is made for the next one
    assertThat(standbys()).singleElement().satisfies(s -> assertThat(s.id()).isNotEqualTo(standby.id()));
    assertThat(stag.service.list(DatabaseFilter.ALL)).extracting(d -> d.name().value())
        .containsExactlyInAnyOrder("source", "ci-build-1", "ci-build-2");
    assertThatThrownBy(() -> stag.service.get(standbys().get(0).name())).isInstanceOf(NotFoundException.class);
    // announced once each, as branches; the standbys themselves are announced to no one
    assertThat(stag.catalog.events()).filteredOn(e -> e.type() == EventType.BRANCH_CREATED).extracting(Event::data)
        .extracting(d -> d.get("name")).containsExactly("ci-build-1", "ci-build-2");
    CompensationTest.assertConsistent(stag);
  }

  @Test
  void aRequestForAPortOrOtherResourcesIsMadeAsUsual() {
    branch("first");
    settle();
    Database standby = standbys().get(0);
    Database bigger = stag.service.branchFromSnapshot(SnapshotName.of("base"), new CreateBranch(DatabaseName.of("bigger"),
        new ResourceRequest("2g", null, null), null, null, null));
    assertThat(bigger.id()).isNotEqualTo(standby.id());
    Database ported = stag.service.branchFromSnapshot(SnapshotName.of("base"), new CreateBranch(DatabaseName.of("ported"),
        null, 16000, null, null));
    assertThat(ported.id()).isNotEqualTo(standby.id());
    assertThat(ported.port()).isEqualTo(16000);
  }

  @Test
  void standbysAreNobodysDependentsAndGoAlongWithWhatTheyBranch() {
    Database only = branch("only");
    stag.service.delete(only.name(), false);
    settle();
    assertThat(standbys()).hasSize(1);
    stag.service.deleteSnapshot(SnapshotName.of("base"), false);   // no cascade needed: nobody's branch depends on it
    assertThat(standbys()).isEmpty();
    assertThat(stag.catalog.events()).filteredOn(e -> e.type() == EventType.DATABASE_DELETED).extracting(Event::data)
        .extracting(d -> d.get("name")).containsExactly("only");
    CompensationTest.assertConsistent(stag);

    stag.service.snapshot(source.name(), SnapshotName.of("again"));
    stag.service.delete(stag.service.branchFromSnapshot(SnapshotName.of("again"),
        CreateBranch.named(DatabaseName.of("b"))).name(), false);
    settle();
    stag.service.delete(source.name(), false);
    assertThat(stag.catalog.databases()).isEmpty();
    CompensationTest.assertConsistent(stag);
  }

  @Test
  void unusedStandbysExpireAndTheirNamesAreNotForUsers() {
    branch("first");
    settle();
    stag.clock.advance(Duration.ofMinutes(11));
    stag.service.deleteExpired();
    assertThat(standbys()).isEmpty();
    assertThatThrownBy(() -> branch("standby-0123456789ab")).isInstanceOfSatisfying(InvalidRequestException.class,
        e -> assertThat(e.field()).isEqualTo("name"));
    CompensationTest.assertConsistent(stag);
  }

  @Test
  void aReleasedBranchIsRecycledAndKeptForTheNextRunAndAnyOtherIsDeleted() throws IOException {
    StagDbService service = stag.service;
    Database pooled = service.branchFromSnapshot(SnapshotName.of("base"),
        CreateBranch.named(DatabaseName.of("jt-run1-1")).asRecyclable());
    settle();
    Files.writeString(stag.volumes.mountPath(pooled.volume()).resolve("row.txt"), "written by a test");
    service.release(pooled.name());
    assertThatThrownBy(() -> service.get(pooled.name())).isInstanceOf(NotFoundException.class);   // its name is free
    settle();
    Database kept = stag.catalog.findDatabase(pooled.id()).orElseThrow();
    assertThat(Standbys.isStandby(kept)).isTrue();
    assertThat(stag.volumes.mountPath(kept.volume()).resolve("row.txt")).hasContent("v1");   // recycled in place

    // the next run's pool is handed the released branch
    List<Database> runTwo = new java.util.ArrayList<>();
    for (int i = 1; i <= 2; i++) {   // the earlier standby and the released branch are both handed over
      runTwo.add(service.branchFromSnapshot(SnapshotName.of("base"),
          CreateBranch.named(DatabaseName.of("jt-run2-" + i)).asRecyclable()));
    }
    assertThat(runTwo).extracting(Database::id).contains(pooled.id());
    assertThat(runTwo).allSatisfy(d -> assertThat(stag.volumes.mountPath(d.volume()).resolve("row.txt")).hasContent("v1"));

    Database plain = service.branchFromSnapshot(SnapshotName.of("base"),   // a port asked for: made as usual
        new CreateBranch(DatabaseName.of("plain"), null, 16001, null, null));
    service.release(plain.name());   // not recyclable: deleted
    settle();
    assertThat(stag.catalog.findDatabase(plain.id())).isEmpty();
    settle();
    CompensationTest.assertConsistent(stag);
  }

  /**
   * The end of a test run: its pool gives back a branch whose recycle (started as its last test
   * ended) is still under way. The release answers at once and happens once the recycle is done.
   */
  @Test
  void aBranchReleasedWhileItIsRecycledIsKeptOnceTheRecycleIsDone() throws Exception {
    StagDbService service = stag.service;
    Database pooled = service.branchFromSnapshot(SnapshotName.of("base"),
        CreateBranch.named(DatabaseName.of("jt-run1-1")).asRecyclable());
    settle();
    io.stagdb.domain.testkit.Faults.Pause held = stag.faults.pauseOnCall("runtime.resume", 1);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.Future<Database> recycling = pool.submit(() -> service.recycle(pooled.name()));
      assertThat(held.awaitReached(10)).isTrue();
      long asked = System.nanoTime();
      service.release(pooled.name());
      assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("at once").isLessThan(Duration.ofSeconds(2));
      assertThat(service.get(pooled.name()).id()).as("still the test's, until its recycle is done").isEqualTo(pooled.id());
      held.release();
      recycling.get(10, java.util.concurrent.TimeUnit.SECONDS);
      settle();
      assertThatThrownBy(() -> service.get(pooled.name())).isInstanceOf(NotFoundException.class);
      assertThat(Standbys.isStandby(stag.catalog.findDatabase(pooled.id()).orElseThrow())).isTrue();
    } finally {
      pool.shutdownNow();
    }
    assertThatThrownBy(() -> service.release(DatabaseName.of("no-such-branch"))).isInstanceOf(NotFoundException.class);
    CompensationTest.assertConsistent(stag);
  }

  @Test
  void aSnapshotKeepsNoMoreStandbysThanItsMaximum() {
    InMemoryStagDb capped = new InMemoryStagDb(dir.resolve("capped"), settings(1, 2));
    Database src = CompensationTest.createPg(capped, "source");
    capped.service.snapshot(src.name(), SnapshotName.of("base"));
    List<Database> branches = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      branches.add(capped.service.branchFromSnapshot(SnapshotName.of("base"),
          CreateBranch.named(DatabaseName.of("b" + i)).asRecyclable()));
    }
    assertThat(capped.service.awaitBackgroundWork(Duration.ofSeconds(10))).isTrue();
    branches.forEach(b -> capped.service.release(b.name()));
    assertThat(capped.service.awaitBackgroundWork(Duration.ofSeconds(10))).isTrue();
    assertThat(capped.catalog.databases().stream().filter(Standbys::isStandby)).hasSize(2);
    assertThat(capped.service.list(DatabaseFilter.ALL)).extracting(d -> d.name().value()).containsExactly("source");
    CompensationTest.assertConsistent(capped);
  }
}
