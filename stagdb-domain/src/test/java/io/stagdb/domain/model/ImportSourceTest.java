package io.stagdb.domain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.InvalidRequestException;
import org.junit.jupiter.api.Test;

class ImportSourceTest {

  @Test
  void readsEveryPartOfAPostgresUrlAndNeverShowsThePassword() {
    ImportSource source = ImportSource.parse("postgresql://reader:s3cr%40t%3Ax@prod.internal:6432/app");
    assertThat(source.engine()).isEqualTo(Engine.POSTGRESQL);
    assertThat(source.host()).isEqualTo("prod.internal");
    assertThat(source.port()).isEqualTo(6432);
    assertThat(source.database()).isEqualTo("app");
    assertThat(source.user()).isEqualTo("reader");
    assertThat(source.password()).isEqualTo("s3cr@t:x");
    assertThat(source.masked()).isEqualTo("postgresql://reader:********@prod.internal:6432/app");
    assertThat(source.toString()).doesNotContain("s3cr").isEqualTo(source.masked());
    assertThat(ImportSource.parse(source.url())).isEqualTo(source);
  }

  @Test
  void fillsInTheEnginesDefaultPortAndKnowsEachScheme() {
    assertThat(ImportSource.parse("postgres://u@h/d").port()).isEqualTo(5432);
    assertThat(ImportSource.parse("mysql://u:p@h/d").port()).isEqualTo(3306);
    assertThat(ImportSource.parse("mariadb://u:p@10.0.0.7/d").engine()).isEqualTo(Engine.MARIADB);
    ImportSource mongo = ImportSource.parse("mongodb://u:p@h");
    assertThat(mongo.port()).isEqualTo(27017);
    assertThat(mongo.database()).isEmpty();
    assertThat(ImportSource.parse("postgres://u@h/d").masked()).isEqualTo("postgresql://u@h:5432/d");
  }

  @Test
  void refusesABadUrlWithoutRepeatingIt() {
    for (String bad : new String[] {"", "prod:5432/app", "oracle://u:secretpw@h/d", "postgresql://secretpw@/d",
        "postgresql://:secretpw@h/d", "postgresql://u:secretpw@h", "postgresql://u:secretpw@h/d?sslmode=x",
        "postgresql://u:secretpw@h/a/b", "postgresql://u:sec ret@h/d", "postgresql://u:%zz@h/d"}) {
      assertThatThrownBy(() -> ImportSource.parse(bad)).as(bad)
          .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
            assertThat(e.field()).isEqualTo("source.url");
            assertThat(e.getMessage()).doesNotContain("secretpw");
          });
    }
  }

  @Test
  void copiesOnlyIntoTheSameEngineFamily() {
    ImportSource.parse("mysql://u:p@h/d").requireCopiesInto(Engine.MARIADB);
    ImportSource.parse("mariadb://u:p@h/d").requireCopiesInto(Engine.MYSQL);
    assertThatThrownBy(() -> ImportSource.parse("mysql://u:p@h/d").requireCopiesInto(Engine.POSTGRESQL))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("cannot be copied into a postgresql");
  }

  @Test
  void aSourceNewerThanTheTargetOrItsDumpToolIsRefused() {
    ImportSource pg = ImportSource.parse("postgresql://u:p@h/d");
    pg.requireFits(EngineVersion.parse("postgresql", "16"), "15.10", "pg_dump (PostgreSQL) 16.4");
    pg.requireFits(EngineVersion.parse("postgresql", "15"), "15.10 (Debian 15.10-1)", "pg_dump (PostgreSQL) 15.2");
    assertThatThrownBy(() -> pg.requireFits(EngineVersion.parse("postgresql", "15"), "16.2", null))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("newer than the target's 15");
    assertThatThrownBy(() -> pg.requireFits(EngineVersion.parse("postgresql", "16"), "16.2", "pg_dump (PostgreSQL) 15.10"))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("newer than the image's pg_dump (PostgreSQL) 15.10");

    ImportSource maria = ImportSource.parse("mariadb://u:p@h/d");
    maria.requireFits(EngineVersion.parse("mariadb", "11.4"), "10.11.6-MariaDB-1:10.11.6+maria~ubu2204", null);
    assertThatThrownBy(() -> maria.requireFits(EngineVersion.parse("mariadb", "10.11"), "11.4.2-MariaDB", null))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("version 11.4 or later");
    ImportSource mysql = ImportSource.parse("mysql://u:p@h/d");
    mysql.requireFits(EngineVersion.parse("mariadb", "10.11"), "8.0.36", null);   // two families: nothing to compare
    assertThatThrownBy(() -> mysql.requireFits(EngineVersion.parse("mysql", "8.0"), "8.1.0", null))
        .isInstanceOf(InvalidRequestException.class).hasMessageContaining("newer than the target's 8.0");
  }
}
