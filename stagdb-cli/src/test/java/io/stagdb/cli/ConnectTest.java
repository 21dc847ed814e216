package io.stagdb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.api.Dto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stagdb connect}: the right client, its password in the environment and never in its arguments. */
class ConnectTest {
  @TempDir
  Path bin;

  private Dto.Database db(String type) {
    return new Dto.Database("db-1", "app", type, "16", "running", null,
        new Dto.Connection("db.example", 20001, "postgres", "s3cret", "postgres"), null, null, null, null, Map.of(), null, null);
  }

  private void install(String program) throws Exception {
    Path p = bin.resolve(program);
    Files.writeString(p, "#!/bin/sh\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void postgresGoesThroughPsqlWithPgpassword() throws Exception {
    install("psql");
    ProcessBuilder p = InspectCommands.command(db("postgresql"), List.of("-c", "select 1"), bin.toString());
    assertThat(p.command()).containsExactly(bin.resolve("psql").toString(), "-h", "db.example", "-p", "20001", "-U",
        "postgres", "-d", "postgres", "-c", "select 1");
    assertThat(p.environment()).containsEntry("PGPASSWORD", "s3cret");
    assertThat(String.join(" ", p.command())).doesNotContain("s3cret");
  }

  @Test
  void mariadbPrefersTheMariadbClientAndUsesMysqlPwd() throws Exception {
    install("mysql");
    ProcessBuilder mysql = InspectCommands.command(db("mariadb"), List.of(), bin.toString());
    assertThat(mysql.command().get(0)).endsWith("/mysql");
    install("mariadb");
    ProcessBuilder mariadb = InspectCommands.command(db("mysql"), List.of(), bin.toString());
    assertThat(mariadb.command().get(0)).endsWith("/mariadb");
    assertThat(mariadb.command()).contains("-P", "20001", "--protocol=TCP").doesNotContain("s3cret");
    assertThat(mariadb.environment()).containsEntry("MYSQL_PWD", "s3cret");
  }

  @Test
  void aMissingClientSaysWhatToInstall() {
    assertThatThrownBy(() -> InspectCommands.command(db("postgresql"), List.of(), bin.toString()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("psql is not installed")
        .hasMessageContaining("postgresql-client");
  }
}
