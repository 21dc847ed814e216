package io.stagdb.domain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.InvalidRequestException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineSettingsTest {

  private static void refused(Engine engine, List<String> extensions, Map<String, String> settings, String field) {
    assertThatThrownBy(() -> EngineSettings.of(engine, extensions, settings))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo(field));
  }

  @Test
  void extensionsThatMustBePreloadedAreAddedToWhatWasAskedForOnce() {
    EngineSettings s = EngineSettings.of(Engine.POSTGRESQL, List.of("pg_trgm", "pg_stat_statements", "pg_trgm"),
        Map.of("work_mem", "16MB", "shared_preload_libraries", "auto_explain"));
    assertThat(s.extensions()).containsExactly("pg_trgm", "pg_stat_statements");
    assertThat(s.effectiveSettings()).containsEntry("work_mem", "16MB")
        .containsEntry("shared_preload_libraries", "auto_explain,pg_stat_statements");
    assertThat(EngineSettings.of(Engine.POSTGRESQL, List.of("pg_stat_statements"),
        Map.of("shared_preload_libraries", "pg_stat_statements")).effectiveSettings())
        .containsEntry("shared_preload_libraries", "pg_stat_statements");
    assertThat(EngineSettings.of(Engine.POSTGRESQL, null, null)).isEqualTo(EngineSettings.NONE);
  }

  @Test
  void mysqlVariablesMayBeWrittenWithDashesAndAreKeptWithUnderscores() {
    assertThat(EngineSettings.of(Engine.MARIADB, null, Map.of("wait-timeout", "60")).settings())
        .containsExactly(Map.entry("wait_timeout", "60"));
  }

  @Test
  void badShapesAndStagDbsOwnSettingsAreRefusedWithTheirField() {
    refused(Engine.MARIADB, List.of("pg_trgm"), null, "config.extensions");
    refused(Engine.POSTGRESQL, List.of("Bad Name"), null, "config.extensions");
    refused(Engine.POSTGRESQL, null, Map.of("port", "5433"), "config.settings.port");
    refused(Engine.POSTGRESQL, null, Map.of("data_directory", "/tmp"), "config.settings.data_directory");
    refused(Engine.MYSQL, null, Map.of("bind-address", "0.0.0.0"), "config.settings.bind-address");
    refused(Engine.POSTGRESQL, null, Map.of("work mem", "1"), "config.settings.work mem");
    refused(Engine.POSTGRESQL, null, Map.of("work_mem", "1\n-c port=1"), "config.settings.work_mem");
    refused(Engine.MONGODB, null, Map.of("x", "1"), "config.settings");
  }
}
