package io.stagdb.zfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.port.out.VolumeInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing and error translation on outputs captured from zfs-fuse and OpenZFS. */
class ZfsParsingTest {

  static String resource(String name) throws IOException {
    try (InputStream in = ZfsParsingTest.class.getResourceAsStream("/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A Zfs that answers {@code properties} with a captured output and refuses everything else. */
  static Zfs captured(String output) {
    return new Zfs() {
      public void create(String d, Map<String, String> p) { throw new UnsupportedOperationException(); }
      public void snapshot(String s) { throw new UnsupportedOperationException(); }
      public void clone(String s, String t, Map<String, String> p) { throw new UnsupportedOperationException(); }
      public void rollback(String s) { throw new UnsupportedOperationException(); }
      public void promote(String d) { throw new UnsupportedOperationException(); }
      public void destroy(String d, boolean c) { throw new UnsupportedOperationException(); }
      public boolean exists(String d) { throw new UnsupportedOperationException(); }
      public void mount(String d) { throw new UnsupportedOperationException(); }

      public List<PropertyRow> properties(String d, boolean r, List<String> names) {
        return ZfsCli.parseProperties(output);
      }
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"zfs-fuse", "openzfs"})
  void listsVolumesSnapshotsAndCloneOrigins(String flavour) throws IOException {
    String root = flavour.equals("openzfs") ? "tank/stagdb" : "stagdb/stagdb";
    ZfsVolumeStore store = new ZfsVolumeStore(root, Path.of("/srv/stagdb"), captured(resource(flavour + "-get-recursive.txt")));
    List<VolumeInfo> infos = store.list();
    assertThat(infos).extracting(VolumeInfo::volume, VolumeInfo::snapshot).containsExactly(
        org.assertj.core.groups.Tuple.tuple("db-3f9a1c2b7d4e", null),
        org.assertj.core.groups.Tuple.tuple("db-3f9a1c2b7d4e", "snap-9c0e4b1a2f3d"),
        org.assertj.core.groups.Tuple.tuple("db-77aa00bb11cc", null));
    VolumeInfo clone = infos.get(2);
    assertThat(clone.originVolume()).isEqualTo("db-3f9a1c2b7d4e");
    assertThat(clone.originSnapshot()).isEqualTo("snap-9c0e4b1a2f3d");
    assertThat(infos.get(0).quota()).isPositive();
    assertThat(infos.get(1).quota()).isZero();
  }

  @Test
  void rejectsMalformedLines() {
    assertThatThrownBy(() -> ZfsCli.parseProperties("a\tb\n")).isInstanceOf(InfrastructureException.class);
  }

  @Test
  void translatesCliErrors() {
    assertThat(ZfsErrors.fromCli("destroy", "tank/stagdb/x", 1, "cannot open 'tank/stagdb/x': dataset does not exist\n"))
        .isInstanceOf(NotFoundException.class);
    assertThat(ZfsErrors.fromCli("create", "tank/stagdb/x", 1, "cannot create 'tank/stagdb/x': dataset already exists\n"))
        .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.reason()).isEqualTo(ConflictException.Reason.ALREADY_EXISTS));
    assertThat(ZfsErrors.fromCli("destroy", "tank/stagdb/x@s", 1,
        "cannot destroy 'tank/stagdb/x@s': snapshot has dependent clones\nuse '-R' to destroy the following datasets:\ntank/stagdb/y\ntank/stagdb/z\n"))
        .isInstanceOfSatisfying(ConflictException.class, e -> {
          assertThat(e.reason()).isEqualTo(ConflictException.Reason.HAS_DEPENDENTS);
          assertThat(e.dependents()).containsExactly("tank/stagdb/y", "tank/stagdb/z");
        });
    assertThat(ZfsErrors.fromCli("destroy", "tank/stagdb/x", 1, "cannot destroy 'tank/stagdb/x': dataset is busy\n"))
        .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.reason()).isEqualTo(ConflictException.Reason.BUSY));
    assertThat(ZfsErrors.fromCli("get", "tank/stagdb/x", 2, "bad property list: invalid property 'written'\nusage: ..."))
        .isInstanceOf(InfrastructureException.class).hasMessageContaining("usage error").hasMessageContaining("written");
  }

  @Test
  void translatesLibzfsCoreErrnos() {
    assertThat(ZfsNative.fromErrno("snapshot", "tank/x@s", 2)).isInstanceOf(NotFoundException.class);
    assertThat(ZfsNative.fromErrno("create", "tank/x", 17)).isInstanceOfSatisfying(ConflictException.class,
        e -> assertThat(e.reason()).isEqualTo(ConflictException.Reason.ALREADY_EXISTS));
    assertThat(ZfsNative.fromErrno("destroy", "tank/x", 17)).isInstanceOfSatisfying(ConflictException.class,
        e -> assertThat(e.reason()).isEqualTo(ConflictException.Reason.HAS_DEPENDENTS));
    assertThat(ZfsNative.fromErrno("destroy", "tank/x", 16)).isInstanceOfSatisfying(ConflictException.class,
        e -> assertThat(e.reason()).isEqualTo(ConflictException.Reason.BUSY));
    assertThat(ZfsNative.fromErrno("create", "tank/x", 28)).hasMessageContaining("out of space");
    assertThat(ZfsNative.fromErrno("create", "tank/x", 122)).hasMessageContaining("out of space");
    assertThat(ZfsNative.fromErrno("clone", "tank/y", 5)).isInstanceOf(InfrastructureException.class)
        .hasMessage("zfs clone tank/y failed (errno 5)");
  }

  @Test
  void parsesTheZfsMode() {
    assertThat(ZfsMode.parse(" Native ")).isEqualTo(ZfsMode.NATIVE);
    assertThatThrownBy(() -> ZfsMode.parse("fast")).hasMessageContaining("auto, native, cli");
  }

  @Test
  void refusesRootsThatAreAPoolOrMalformed() {
    for (String bad : List.of("tank", "", "/tank/x", "tank/../x", "tank//x", "tank/x y")) {
      assertThatThrownBy(() -> new ZfsVolumeStore(bad, Path.of("/srv"), captured(""))).as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void namesNeverLeaveTheRoot() {
    ZfsVolumeStore store = new ZfsVolumeStore("tank/stagdb", Path.of("/srv/stagdb"), captured(""));
    assertThat(store.dataset("db-1")).isEqualTo("tank/stagdb/db-1");
    assertThat(store.mountPath("db-1")).isEqualTo(Path.of("/srv/stagdb/db-1"));
    for (String bad : List.of("../x", "a/b", "a@b", "", "-r", "A")) {
      assertThatThrownBy(() -> store.dataset(bad)).as(bad).isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> store.destroy(bad, true)).as(bad).isInstanceOf(InvalidRequestException.class);
    }
  }
}
