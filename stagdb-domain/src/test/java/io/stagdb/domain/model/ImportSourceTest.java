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
}
