package io.stagdb.domain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ModelTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "my-app-db", "ci-build-1234"})
  void acceptsValidDatabaseNames(String name) {
    assertThat(DatabaseName.of(name).value()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1abc", "-abc", "My-db", "a_b", "a.b", "a/b", "../etc", "a b", "a;drop"})
  void rejectsInvalidDatabaseNamesNamingTheField(String name) {
    assertThatThrownBy(() -> DatabaseName.of("name", name)).isInstanceOfSatisfying(InvalidRequestException.class,
        e -> assertThat(e.field()).isEqualTo("name"));
  }

  @Test
  void namesHaveAtMost63Characters() {
    assertThat(DatabaseName.of("x" + "1".repeat(62)).value()).hasSize(63);
    assertThatThrownBy(() -> DatabaseName.of("x" + "1".repeat(63))).isInstanceOf(InvalidRequestException.class);
  }

  @Test
  void snapshotNamesAlsoAllowDotsAndUnderscores() {
    assertThat(SnapshotName.of("pre-migration-v2.0").value()).isEqualTo("pre-migration-v2.0");
    assertThat(SnapshotName.of("qa_baseline").value()).isEqualTo("qa_baseline");
    assertThatThrownBy(() -> SnapshotName.of("../x")).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> SnapshotName.of("a@b")).isInstanceOf(InvalidRequestException.class);
  }

  @ParameterizedTest
  @CsvSource({"postgresql,15,POSTGRESQL,15", "postgres,12,POSTGRESQL,12", "PG,,POSTGRESQL,16", "pg,15.4,POSTGRESQL,15",
      "mysql,8.0,MYSQL,8.0", "mysql,5.7,MYSQL,5.7", "mariadb,10.11,MARIADB,10.11", "mongo,7.0,MONGODB,7.0",
      "mongodb,5.0,MONGODB,5.0"})
  void parsesEnginesByAlias(String type, String version, Engine engine, String expectedVersion) {
    EngineVersion parsed = EngineVersion.parse(type, version);
    assertThat(parsed.engine()).isEqualTo(engine);
    assertThat(parsed.version()).isEqualTo(expectedVersion);
  }

  @Test
  void unknownEnginesAndVersionsListWhatIsSupported() {
    assertThatThrownBy(() -> EngineVersion.parse("oracle", "19")).isInstanceOfSatisfying(InvalidRequestException.class, e -> {
      assertThat(e.field()).isEqualTo("type");
      assertThat(e.getMessage()).contains("postgresql 12|13|14|15|16").contains("mongodb 5.0|6.0|7.0");
    });
    assertThatThrownBy(() -> EngineVersion.parse("postgres", "11")).isInstanceOfSatisfying(InvalidRequestException.class, e -> {
      assertThat(e.field()).isEqualTo("version");
      assertThat(e.getMessage()).contains("12, 13, 14, 15, 16");
    });
  }

  @ParameterizedTest
  @CsvSource({"1g,1073741824", "512m,536870912", "1.5g,1610612736", "10G,10737418240", "256MiB,268435456",
      "1024,1024", "2gb,2147483648"})
  void parsesSizes(String text, long bytes) {
    assertThat(Quantities.parseBytes("config.memory", text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "g", "-1g", "1x", "1.0000000001k", "lots"})
  void rejectsBadSizes(String text) {
    assertThatThrownBy(() -> Quantities.parseBytes("config.memory", text))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("config.memory"));
  }

  @ParameterizedTest
  @CsvSource({"1,1000", "0.5,500", "1.5,1500", "500m,500", "4,4000"})
  void parsesCpus(String text, long milli) {
    assertThat(Quantities.parseMilliCpus("config.cpu", text)).isEqualTo(milli);
  }

  @Test
  void parsesDurationsShortOrIso() {
    assertThat(Quantities.parseDuration("ttl", "500ms")).isEqualTo(java.time.Duration.ofMillis(500));
    assertThat(Quantities.parseDuration("ttl", "30s")).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(Quantities.parseDuration("ttl", " 2h ")).isEqualTo(java.time.Duration.ofHours(2));
    assertThat(Quantities.parseDuration("ttl", "1d")).isEqualTo(java.time.Duration.ofDays(1));
    assertThat(Quantities.parseDuration("ttl", "PT90M")).isEqualTo(java.time.Duration.ofMinutes(90));
    for (String bad : new String[] {"forever", "-5m", "0s", "PT0S", "", "5 m"}) {
      assertThatThrownBy(() -> Quantities.parseDuration("ttl", bad)).as(bad)
          .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("ttl"));
    }
  }

  @Test
  void formatsQuantitiesTheWayUsersWriteThem() {
    assertThat(Quantities.formatBytes(1L << 30)).isEqualTo("1g");
    assertThat(Quantities.formatBytes(1536L << 20)).isEqualTo("1536m");
    assertThat(Quantities.formatMilliCpus(1500)).isEqualTo("1.5");
    assertThat(Quantities.formatMilliCpus(2000)).isEqualTo("2");
  }

  @Test
  void thePolicyAppliesDefaultsAndChecksTheSeedLimits() {
    ResourcePolicy policy = ResourcePolicy.STANDARD;
    Resources defaults = policy.resolve("config.", ResourceRequest.DEFAULTS);
    assertThat(defaults).isEqualTo(policy.defaults());
    Resources custom = policy.resolve("config.", new ResourceRequest("1g", "2", "10g"));
    assertThat(custom).isEqualTo(new Resources(1L << 30, 2000, 10L << 30));
    assertThatThrownBy(() -> policy.resolve("config.", new ResourceRequest("128m", null, null)))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
          assertThat(e.field()).isEqualTo("config.memory");
          assertThat(e.getMessage()).contains("between 256m and 4g");
        });
    assertThatThrownBy(() -> policy.resolve("config.", new ResourceRequest(null, "8", null)))
        .hasMessageContaining("config.cpu").hasMessageContaining("between 0.5 and 4");
    assertThatThrownBy(() -> policy.resolve("config.", new ResourceRequest(null, null, "100g")))
        .hasMessageContaining("config.storage").hasMessageContaining("between 1g and 50g");
  }

  @Test
  void theStatusMachineAllowsOnlyItsTransitions() {
    assertThat(DatabaseStatus.CREATING.canBecome(DatabaseStatus.RUNNING)).isTrue();
    assertThat(DatabaseStatus.RUNNING.canBecome(DatabaseStatus.STOPPED)).isTrue();
    assertThat(DatabaseStatus.STOPPED.canBecome(DatabaseStatus.RUNNING)).isTrue();
    assertThat(DatabaseStatus.RUNNING.canBecome(DatabaseStatus.FAILED)).isTrue();
    assertThat(DatabaseStatus.CREATING.canBecome(DatabaseStatus.STOPPED)).isFalse();
    assertThat(DatabaseStatus.DELETING.canBecome(DatabaseStatus.RUNNING)).isFalse();
  }

  @Test
  void credentialsNeverPrintThePassword() {
    assertThat(new Credentials("postgres", "hunter2", "postgres").toString()).doesNotContain("hunter2");
  }
}
