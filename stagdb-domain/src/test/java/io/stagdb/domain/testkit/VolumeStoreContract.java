package io.stagdb.domain.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.port.out.VolumeInfo;
import io.stagdb.domain.port.out.VolumeStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link VolumeStore} must do, errors included. An implementation's test extends this
 * and supplies the store; volumes created here get unique names and are destroyed afterwards.
 */
public abstract class VolumeStoreContract {
  protected static final long QUOTA = 1L << 30;
  private final List<String> created = new ArrayList<>();

  /** The store under test; the same instance for the whole test. */
  protected abstract VolumeStore store();

  /** Unmounts a volume behind the store's back, as a host reboot or a restarted ZFS daemon does. */
  protected abstract void unmountBehindTheStoresBack(String volume);

  /** A fresh volume name, registered for clean-up. */
  protected String newVolume() {
    String name = "ct-" + UUID.randomUUID().toString().substring(0, 8);
    created.add(name);
    return name;
  }

  @AfterEach
  void destroyCreatedVolumes() {
    for (String name : created.stream().sorted(java.util.Comparator.reverseOrder()).toList()) {
      if (store().exists(name)) {
        store().destroy(name, true);
      }
    }
  }

  @Test
  void createsAnEmptyMountedVolumeWithItsQuota() throws IOException {
    String v = newVolume();
    Path mount = store().create(v, QUOTA);
    assertThat(store().exists(v)).isTrue();
    assertThat(mount).isEqualTo(store().mountPath(v));
    Files.writeString(mount.resolve("hello.txt"), "hello");
    assertThat(store().usage(v).quota()).isEqualTo(QUOTA);
    assertThat(store().list()).anySatisfy(info -> {
      assertThat(info.volume()).isEqualTo(v);
      assertThat(info.isSnapshot()).isFalse();
      assertThat(info.quota()).isEqualTo(QUOTA);
    });
  }

  @Test
  void mountBringsBackTheDataOfAnUnmountedVolumeAndIsANoOpOnAMountedOne() throws IOException {
    String v = newVolume();
    Path mount = store().create(v, QUOTA);
    Files.writeString(mount.resolve("PG_VERSION"), "15");
    assertThat(store().mount(v)).isEqualTo(mount);
    assertThat(mount.resolve("PG_VERSION")).hasContent("15");

    unmountBehindTheStoresBack(v);
    assertThat(mount.resolve("PG_VERSION")).as("out of sight while unmounted").doesNotExist();
    assertThat(store().mount(v)).isEqualTo(mount);
    assertThat(mount.resolve("PG_VERSION")).hasContent("15");
  }

  @Test
  void refusesToCreateAVolumeTwice() {
    String v = newVolume();
    store().create(v, QUOTA);
    assertThatThrownBy(() -> store().create(v, QUOTA)).isInstanceOfSatisfying(ConflictException.class,
        e -> assertThat(e.reason()).isEqualTo(ConflictException.Reason.ALREADY_EXISTS));
  }

  @Test
  void aCloneSeesTheDataAsOfItsSnapshotAndNothingLater() throws IOException {
    String source = newVolume();
    Path data = store().create(source, QUOTA);
    Files.writeString(data.resolve("before.txt"), "before");
    store().snapshot(source, "s1");
    Files.writeString(data.resolve("after.txt"), "after");

    String clone = newVolume();
    Path cloned = store().clone(source, "s1", clone, QUOTA);

    assertThat(cloned.resolve("before.txt")).hasContent("before");
    assertThat(cloned.resolve("after.txt")).doesNotExist();
    Files.writeString(cloned.resolve("branch-only.txt"), "mine");
    assertThat(data.resolve("branch-only.txt")).doesNotExist();
    assertThat(store().snapshotExists(source, "s1")).isTrue();
    assertThat(store().list()).anySatisfy(info -> {
      assertThat(info.volume()).isEqualTo(clone);
      assertThat(info.originVolume()).isEqualTo(source);
      assertThat(info.originSnapshot()).isEqualTo("s1");
    });
    assertThat(store().list()).anySatisfy(info -> {
      assertThat(info.volume()).isEqualTo(source);
      assertThat(info.snapshot()).isEqualTo("s1");
    });
  }

  @Test
  void refusesDuplicateSnapshotsAndMissingSources() {
    String v = newVolume();
    store().create(v, QUOTA);
    store().snapshot(v, "s1");
    assertThatThrownBy(() -> store().snapshot(v, "s1")).isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> store().snapshot(newVolume(), "s1")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store().clone(v, "nope", newVolume(), QUOTA)).isInstanceOf(NotFoundException.class);
    String taken = newVolume();
    store().create(taken, QUOTA);
    assertThatThrownBy(() -> store().clone(v, "s1", taken, QUOTA)).isInstanceOf(ConflictException.class);
  }

  @Test
  void refusesToDestroyWhatClonesDependOnUnlessCascading() {
    String source = newVolume();
    store().create(source, QUOTA);
    store().snapshot(source, "s1");
    String clone = newVolume();
    store().clone(source, "s1", clone, QUOTA);

    assertThatThrownBy(() -> store().destroySnapshot(source, "s1")).isInstanceOfSatisfying(ConflictException.class,
        e -> assertThat(e.reason()).isEqualTo(ConflictException.Reason.HAS_DEPENDENTS));
    assertThatThrownBy(() -> store().destroy(source, false)).isInstanceOfSatisfying(ConflictException.class,
        e -> assertThat(e.reason()).isEqualTo(ConflictException.Reason.HAS_DEPENDENTS));
    assertThat(store().exists(source)).isTrue();

    store().destroy(source, true);
    assertThat(store().exists(source)).isFalse();
    assertThat(store().exists(clone)).isFalse();
    assertThat(store().mountPath(source)).doesNotExist();
    assertThat(store().mountPath(clone)).doesNotExist();
  }

  @Test
  void destroysASnapshotOnceNothingDependsOnIt() {
    String source = newVolume();
    store().create(source, QUOTA);
    store().snapshot(source, "s1");
    String clone = newVolume();
    store().clone(source, "s1", clone, QUOTA);
    store().destroy(clone, false);
    assertThat(store().mountPath(clone)).as("no mount directory left behind").doesNotExist();
    store().destroySnapshot(source, "s1");
    assertThat(store().snapshotExists(source, "s1")).isFalse();
    assertThat(store().list()).noneMatch(i -> i.volume().equals(clone));
  }

  @Test
  void rollsBackToASnapshot() throws IOException {
    String v = newVolume();
    Path data = store().create(v, QUOTA);
    Files.writeString(data.resolve("kept.txt"), "kept");
    store().snapshot(v, "s1");
    Files.writeString(data.resolve("discarded.txt"), "discarded");
    store().rollback(v, "s1");
    assertThat(store().mountPath(v).resolve("kept.txt")).hasContent("kept");
    assertThat(store().mountPath(v).resolve("discarded.txt")).doesNotExist();
  }

  @Test
  void reportsMissingThingsAsNotFound() {
    String missing = newVolume();
    assertThat(store().exists(missing)).isFalse();
    assertThat(store().snapshotExists(missing, "s1")).isFalse();
    assertThatThrownBy(() -> store().destroy(missing, false)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store().destroySnapshot(missing, "s1")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store().usage(missing)).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store().rollback(missing, "s1")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> store().mount(missing)).isInstanceOf(NotFoundException.class);
  }

  @Test
  void rejectsNamesThatCouldEscapeTheRoot() {
    for (String bad : List.of("../etc", "a/b", "UPPER", "", "a@b", "-x", "a b")) {
      assertThatThrownBy(() -> store().create(bad, QUOTA)).as(bad).isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> store().destroy(bad, true)).as(bad).isInstanceOf(InvalidRequestException.class);
    }
    String v = newVolume();
    store().create(v, QUOTA);
    assertThatThrownBy(() -> store().snapshot(v, "a/b")).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void listsVolumesAndSnapshotsInOneCall() {
    String v = newVolume();
    store().create(v, QUOTA);
    store().snapshot(v, "s1");
    store().snapshot(v, "s2");
    List<VolumeInfo> mine = store().list().stream().filter(i -> i.volume().equals(v)).toList();
    assertThat(mine).extracting(VolumeInfo::snapshot).containsExactlyInAnyOrder(null, "s1", "s2");
  }

  @Test
  void aPromotedCloneOutlivesTheVolumeItCameFrom() throws IOException {
    String v = newVolume();
    Files.writeString(store().create(v, QUOTA).resolve("PG_VERSION"), "16");
    store().snapshot(v, "point");
    String c = newVolume();
    Files.writeString(store().clone(v, "point", c, QUOTA).resolve("mine"), "clone");

    assertThatThrownBy(() -> store().promote(c, newVolume())).as("not its origin").isInstanceOf(ConflictException.class);
    assertThatThrownBy(() -> store().promote(v, c)).isInstanceOf(ConflictException.class);
    store().promote(c, v);
    assertThat(store().snapshotExists(c, "point")).as("the origin snapshot moved to the clone").isTrue();
    assertThat(store().snapshotExists(v, "point")).isFalse();
    assertThat(store().list()).filteredOn(i -> i.volume().equals(v) && !i.isSnapshot())
        .singleElement().satisfies(i -> assertThat(i.originVolume() + "@" + i.originSnapshot()).isEqualTo(c + "@point"));
    assertThatThrownBy(() -> store().promote(c, v)).as("promoted once: no more a clone of it")
        .isInstanceOf(ConflictException.class);
    store().destroy(v, false);
    assertThat(store().exists(v)).isFalse();
    assertThat(store().mountPath(c).resolve("PG_VERSION")).hasContent("16");
    assertThat(store().mountPath(c).resolve("mine")).hasContent("clone");
    String next = newVolume();
    assertThat(store().clone(c, "point", next, QUOTA).resolve("mine")).doesNotExist();
  }

  @Test
  void theVolumesOfAGroupAreMountedSideBySideInADirectoryOfTheirOwn() throws IOException {
    String group = newVolume();
    String first = group + VolumeStore.GROUP_SEPARATOR + "1";
    String second = group + VolumeStore.GROUP_SEPARATOR + "2";
    created.add(first);
    created.add(second);
    assertThat(VolumeStore.groupOf(second)).isEqualTo(group);
    assertThat(VolumeStore.groupOf(group)).isNull();

    Path one = store().create(first, QUOTA);
    Files.writeString(one.resolve("PG_VERSION"), "16");
    store().snapshot(first, "point");
    Path two = store().clone(first, "point", second, QUOTA);
    Path directory = one.getParent();
    assertThat(two.getParent()).isEqualTo(directory);
    assertThat(directory).isNotEqualTo(store().mountPath(group).getParent()).isNotEqualTo(store().mountPath(group));
    try (var entries = Files.list(directory)) {
      assertThat(entries.map(e -> e.getFileName().toString())).containsExactlyInAnyOrder(first, second);
    }
    assertThat(directory.resolve(second).resolve("PG_VERSION")).hasContent("16");

    store().destroy(first, true);
    assertThat(directory).as("the group's directory goes with its last volume").doesNotExist();
  }
}
