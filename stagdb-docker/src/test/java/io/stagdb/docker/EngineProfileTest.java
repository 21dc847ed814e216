package io.stagdb.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.Engine;
import io.stagdb.domain.model.EngineSettings;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.Resources;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The container spec of every engine. For MongoDB this is the only coverage: no MongoDB server
 * can be installed on stagDB's test machines, so its containers are never run there.
 */
class EngineProfileTest {
  private static final Resources ONE_GIG = new Resources(1L << 30, 1000, 10L << 30);
  private static final Credentials CREDS = new Credentials("postgres", "s3cret", "postgres");

  @Test
  void officialImagesByDefaultAndOverridesByKey() {
    assertThat(EngineProfile.of(EngineVersion.parse("pg", "15"), null).image()).isEqualTo("postgres:15");
    assertThat(EngineProfile.of(EngineVersion.parse("mysql", "8.0"), null).image()).isEqualTo("mysql:8.0");
    assertThat(EngineProfile.of(EngineVersion.parse("mariadb", "10.11"), null).image()).isEqualTo("mariadb:10.11");
    assertThat(EngineProfile.of(EngineVersion.parse("mongo", "7.0"), null).image()).isEqualTo("mongo:7.0");
    EngineProfile local = EngineProfile.of(EngineVersion.parse("pg", "12"), "stagdb-test/postgres:12");
    assertThat(local.image()).isEqualTo("stagdb-test/postgres:12");
    assertThat(local.imageKey()).isEqualTo("images.postgresql.12");
  }

  @Test
  void postgresFollowsTheOfficialContractAndSizesItsBuffers() {
    EngineProfile pg = EngineProfile.of(EngineVersion.parse("pg", "16"), null);
    assertThat(pg.dataDir()).isEqualTo("/var/lib/postgresql/data");
    assertThat(pg.containerPort()).isEqualTo(5432);
    assertThat(pg.uid()).isEqualTo(999);
    assertThat(pg.stopSignal()).isEqualTo("SIGINT");
    assertThat(pg.environment(CREDS, Map.of("TZ", "UTC", "POSTGRES_PASSWORD", "user-cannot-override")))
        .contains("TZ=UTC", "POSTGRES_USER=postgres", "POSTGRES_PASSWORD=s3cret", "POSTGRES_DB=postgres")
        .doesNotContain("POSTGRES_PASSWORD=user-cannot-override");
    assertThat(pg.command(ONE_GIG, false)).containsSubsequence("postgres", "-c", "shared_buffers=256MB")
        .contains("effective_cache_size=512MB")
        // copy-on-write: no zero-filled or recycled WAL segments
        .containsSubsequence("-c", "wal_init_zero=off", "-c", "wal_recycle=off");
  }

  @Test
  void settingsComeAfterStagDbsOwnAsArgumentsAndPreloadedExtensionsAreLoaded() {
    EngineSettings pgSettings = EngineSettings.of(Engine.POSTGRESQL, List.of("pg_stat_statements"), Map.of("work_mem", "16MB"));
    List<String> pg = EngineProfile.of(EngineVersion.parse("pg", "16"), null).command(ONE_GIG, false, pgSettings);
    assertThat(pg).containsSubsequence("shared_buffers=256MB", "-c", "shared_preload_libraries=pg_stat_statements")
        .containsSubsequence("-c", "work_mem=16MB");
    List<String> maria = EngineProfile.of(EngineVersion.parse("mariadb", "10.11"), null)
        .command(ONE_GIG, false, EngineSettings.of(Engine.MARIADB, null, Map.of("wait-timeout", "60")));
    assertThat(maria).last().isEqualTo("--wait_timeout=60");
  }

  @Test
  void anEnginesRefusalOfASettingIsReadFromItsLogWithTheSettingNamed() {
    assertThat(EngineProfile.settingRefused("2026-12-02 06:50:01 UTC [1] FATAL:  unrecognized configuration parameter \"no_such\"\n"))
        .hasValueSatisfying(e -> assertThat(e.field()).isEqualTo("config.settings.no_such"));
    assertThat(EngineProfile.settingRefused("... [1] FATAL:  invalid value for parameter \"work_mem\": \"lots\"\n"))
        .hasValueSatisfying(e -> assertThat(e.field()).isEqualTo("config.settings.work_mem"));
    assertThat(EngineProfile.settingRefused("... FATAL:  could not access file \"pg_nope\": No such file or directory"))
        .hasValueSatisfying(e -> assertThat(e.field()).isEqualTo("config.settings.shared_preload_libraries"));
    assertThat(EngineProfile.settingRefused("2026-12-02  0 [ERROR] mariadbd: unknown variable 'no_such_var=1'"))
        .hasValueSatisfying(e -> assertThat(e.field()).isEqualTo("config.settings.no_such_var"));
    assertThat(EngineProfile.settingRefused("FATAL:  data directory \"/var/lib/postgresql/data\" has invalid permissions")).isEmpty();
  }

  @Test
  void mysqlAndMariadbSizeTheBufferPool() {
    Credentials root = new Credentials("root", "pw", "stagdb");
    EngineProfile mysql = EngineProfile.of(EngineVersion.parse("mysql", "5.7"), null);
    assertThat(mysql.environment(root, Map.of())).containsExactly("MYSQL_ROOT_PASSWORD=pw", "MYSQL_DATABASE=stagdb");
    assertThat(mysql.command(ONE_GIG, false)).contains("mysqld", "--innodb-buffer-pool-size=512M");
    assertThat(mysql.dataDir()).isEqualTo("/var/lib/mysql");
    assertThat(EngineProfile.of(EngineVersion.parse("mariadb", "11.4"), null).command(ONE_GIG, false))
        .contains("mariadbd", "--innodb-buffer-pool-size=512M");
  }

  @Test
  @org.junit.jupiter.api.DisplayName("MongoDB container spec (unit-tested only: no MongoDB server can run on stagDB's test machines)")
  void mongoFollowsTheOfficialContractWithAnOptionalReplicaSet() {
    EngineProfile mongo = EngineProfile.of(EngineVersion.parse("mongodb", "6.0"), null);
    Credentials root = new Credentials("root", "pw", "admin");
    assertThat(mongo.dataDir()).isEqualTo("/data/db");
    assertThat(mongo.containerPort()).isEqualTo(27017);
    assertThat(mongo.environment(root, Map.of()))
        .containsExactly("MONGO_INITDB_ROOT_USERNAME=root", "MONGO_INITDB_ROOT_PASSWORD=pw");
    assertThat(mongo.command(ONE_GIG, false)).containsExactly("mongod", "--bind_ip_all", "--wiredTigerCacheSizeGB", "0.40");
    assertThat(mongo.command(ONE_GIG, true)).containsSubsequence("--replSet", "rs0", "--keyFile", "/data/db/.stagdb-keyfile");
    assertThat(mongo.command(new Resources(256L << 20, 500, 1L << 30), false)).contains("0.25");
  }

  @Test
  void theConnectHostIsLoopbackWhenPublishingOnEveryAddress() {
    assertThat(DockerSettings.defaults(java.nio.file.Path.of("control")).connectHost()).isEqualTo("127.0.0.1");
    assertThat(new DockerSettings(null, "10.0.0.5", null, null, null, false, false, null, java.nio.file.Path.of("control")).connectHost()).isEqualTo("10.0.0.5");
  }
}
