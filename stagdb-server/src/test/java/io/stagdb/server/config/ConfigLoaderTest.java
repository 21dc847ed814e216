package io.stagdb.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir
  Path dir;

  private Path yaml(String text) throws Exception {
    Path file = dir.resolve("stagdb.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void defaultsAreComplete() {
    ServerConfig c = ConfigLoader.load(null, Map.of(), Map.of());
    assertThat(c.apiPort()).isEqualTo(8080);
    assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/stagdb"));
    assertThat(c.mountDir()).isEqualTo(Path.of("/var/lib/stagdb/mounts"));
    assertThat(c.zfsRoot()).isEqualTo("stagdb/databases");
    assertThat(c.zfsMode()).isEqualTo("auto");
    assertThat(c.ports().first()).isEqualTo(15432);
    assertThat(c.resources().defaults().memoryBytes()).isEqualTo(1L << 30);
    assertThat(c.resources().max().storageBytes()).isEqualTo(50L << 30);
    assertThat(c.readyTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(c.webhookBackoff()).containsExactly(Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(5),
        Duration.ofMinutes(15), Duration.ofMinutes(40));
    assertThat(c.publicHost()).isNotBlank();
    assertThat(c.dockerHost()).isNull();
  }

  @Test
  void fileThenEnvironmentThenCommandLine() throws Exception {
    Path file = yaml("""
        api:
          port: 9000
          publicHost: db.example.test
        dataDir: /srv/stagdb
        zfs:
          root: tank/stagdb
        images:
          postgresql:
            "15": registry.example.test/postgres:15
          mariadb:
            "10.11": stagdb-test/mariadb:10.11
        docker:
          labels:
            team: data
        """);
    ServerConfig c = ConfigLoader.load(file, Map.of("STAGDB_API_PORT", "9100", "STAGDB_IMAGES_MYSQL_8_0", "mysql:8.0.36",
        "STAGDB_RESOURCES_MAX_MEMORY", "8g", "HOME", "/root"), Map.of("api.port", "9200"));
    assertThat(c.apiPort()).isEqualTo(9200);
    assertThat(c.publicHost()).isEqualTo("db.example.test");
    assertThat(c.mountDir()).isEqualTo(Path.of("/srv/stagdb/mounts"));
    assertThat(c.zfsRoot()).isEqualTo("tank/stagdb");
    assertThat(c.images()).containsEntry("postgresql.15", "registry.example.test/postgres:15")
        .containsEntry("mariadb.10.11", "stagdb-test/mariadb:10.11").containsEntry("mysql.8.0", "mysql:8.0.36");
    assertThat(c.resources().max().memoryBytes()).isEqualTo(8L << 30);
    assertThat(c.containerLabels()).containsEntry("team", "data");
  }

  @Test
  void badValuesNameTheKeyWhatIsAllowedAndWhereTheValueCameFrom() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("STAGDB_API_PORT", "99999"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'api.port'").hasMessageContaining("1 to 65535")
        .hasMessageContaining("environment STAGDB_API_PORT");
    assertThatThrownBy(() -> ConfigLoader.load(yaml("api:\n  prot: 1\n"), Map.of(), Map.of()))
        .hasMessageContaining("unknown config key 'api.prot'").hasMessageContaining("api.port");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("zfs.mode", "fast")))
        .hasMessageContaining("'zfs.mode'").hasMessageContaining("auto, native or cli");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("zfs.root", "tank")))
        .hasMessageContaining("'zfs.root'");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("ports.first", "20000", "ports.last", "10000")))
        .hasMessageContaining("'ports.last'");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("resources.default.memory", "64g")))
        .hasMessageContaining("resources");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("reaper.interval", "often")))
        .hasMessageContaining("'reaper.interval'").hasMessageContaining("30s");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("dataDir", "relative/dir")))
        .hasMessageContaining("absolute");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("images.oracle.19", "oracle:19")))
        .hasMessageContaining("images.oracle.19").hasMessageContaining("postgresql 12|13|14|15|16");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("docker.pullImages", "maybe")))
        .hasMessageContaining("true or false");
    assertThatThrownBy(() -> ConfigLoader.load(yaml("- a\n- b\n"), Map.of(), Map.of())).hasMessageContaining("mapping");
  }

  @Test
  void everyKeyIsDescribed() {
    assertThat(ConfigLoader.describe()).hasSize(ConfigLoader.KEYS.size())
        .allSatisfy(line -> assertThat(line).contains("(default ").contains("): "));
  }

  @Test
  void theReadmeListsEveryKeyAsTheLoaderKnowsIt() throws Exception {
    String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
    assertThat(readme).contains(ConfigLoader.markdownTable());
  }

  @Test
  void anUnknownStagdbVariableStopsStartUpNamingIt() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("STAGDB_API_PROT", "9000"),
        Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("STAGDB_API_PROT")
        .hasMessageContaining("STAGDB_API_PORT");
    assertThat(ConfigLoader.load(null, Map.of("STAGDB_API_PORT", "9000", "STAGDB_URL", "http://x", "STAGDB_TEST_POOL", "p"),
        Map.of()).apiPort()).isEqualTo(9000);
  }
}
