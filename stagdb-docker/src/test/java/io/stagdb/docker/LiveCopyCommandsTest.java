package io.stagdb.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.Engine;
import io.stagdb.domain.model.ImportSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The command lines of a live copy: the image's own tools with their arguments, never a shell, never
 * a password among the arguments; and the definer rewriting a MySQL/MariaDB dump passes through.
 */
class LiveCopyCommandsTest {
  private static final ImportSource PG = ImportSource.parse("postgresql://reader:s3cret%40x@prod.internal:6543/app");
  private static final ImportSource MARIA = ImportSource.parse("mariadb://reader:s3cret%40x@prod.internal/shop");
  private static final Credentials INTO = new Credentials("postgres", "target-pw", "postgres");

  @Test
  void postgresIsCopiedByADirectoryFormatDumpAndAParallelRestoreWithThePasswordOnlyInTheEnvironment() {
    List<String> dump = CopyCommands.pgDump(PG, "/tmp/d", 4);
    assertThat(dump).containsExactly("pg_dump", "-h", "prod.internal", "-p", "6543", "-U", "reader", "-d", "app",
        "-Fd", "-j", "4", "-v", "-f", "/tmp/d");
    assertThat(CopyCommands.pgRestore(INTO, "/tmp/d", 4)).containsExactly("pg_restore", "-Fd", "-j", "4", "-v",
        "--exit-on-error", "--no-owner", "--no-privileges", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "/tmp/d");
    assertThat(CopyCommands.pgProbe(PG)).startsWith("psql", "-X").contains("prod.internal", "6543", "reader", "app");
    assertThat(CopyCommands.pgEnv(PG)).containsExactly("PGPASSWORD=s3cret@x", "PGCONNECT_TIMEOUT=10");
    for (List<String> command : List.of(dump, CopyCommands.pgProbe(PG), CopyCommands.pgRestore(INTO, "/tmp/d", 4))) {
      assertThat(String.join(" ", command)).doesNotContain("s3cret").doesNotContain("target-pw");
    }
  }

  @Test
  void mysqlAndMariaDbStreamAConsistentDumpIntoTheirClientOverTcp() {
    assertThat(CopyCommands.mysqlDump(Engine.MARIADB, MARIA, "/p")).containsExactly("mariadb-dump", "-h", "prod.internal",
        "-P", "3306", "-u", "reader", "--protocol=TCP", "--single-transaction", "--routines", "--triggers", "--verbose",
        "--result-file=/p", "shop");
    assertThat(CopyCommands.mysqlDump(Engine.MYSQL, MARIA, "/p")).first().isEqualTo("mysqldump");
    assertThat(CopyCommands.mysqlDump(Engine.MYSQL, MARIA, "/p")).contains("--set-gtid-purged=OFF");
    Credentials root = new Credentials("root", "target-pw", "stagdb");
    assertThat(CopyCommands.mysqlRestore(Engine.MARIADB, root, "/p")).containsExactly("mariadb", "--abort-source-on-error",
        "-h", "127.0.0.1", "-u", "root", "--protocol=TCP", "stagdb", "-e", "source /p");
    assertThat(CopyCommands.mysqlProbe(Engine.MYSQL, MARIA)).first().isEqualTo("mysql");
    assertThat(String.join(" ", CopyCommands.mysqlProbe(Engine.MARIADB, MARIA))).doesNotContain("s3cret");
    assertThat(CopyCommands.mysqlEnv("s3cret@x")).containsExactly("MYSQL_PWD=s3cret@x");
  }

  @Test
  void mongoDbToolsReadTheirUriFromAConfigurationFileNotFromTheirArguments() {
    ImportSource mongo = ImportSource.parse("mongodb://reader:it's%40secret@prod.internal/app");
    assertThat(CopyCommands.mongoConfigText(mongo, null))
        .isEqualTo("uri: 'mongodb://reader:it%27s%40secret@prod.internal:27017/app'\n");
    assertThat(CopyCommands.mongoConfigText(null, new Credentials("root", "pw", "admin")))
        .isEqualTo("uri: 'mongodb://root:pw@127.0.0.1:27017/?authSource=admin'\n");
    assertThat(CopyCommands.mongoDump("/data/c.yaml", "/data/p")).containsExactly("mongodump", "--config=/data/c.yaml",
        "--archive=/data/p");
    assertThat(CopyCommands.mongoRestore("/data/r.yaml", "/data/p")).containsExactly("mongorestore",
        "--config=/data/r.yaml", "--archive=/data/p");
    assertThat(String.join(" ", CopyCommands.mongoProbe("/data/c.yaml", false))).contains("/data/c.yaml")
        .doesNotContain("secret").contains("getCollectionNames");
    assertThat(String.join(" ", CopyCommands.mongoProbe("/data/c.yaml", true))).contains("listDatabases");
  }

  @Test
  void definersBecomeTheCurrentUserAndDataPassesByteForByte() throws Exception {
    String dump = String.join("\n",
        "/*!50003 CREATE*/ /*!50017 DEFINER=`reader`@`%`*/ /*!50003 TRIGGER items_audit AFTER UPDATE ON items */;",
        "CREATE DEFINER=`app`@`10.0.0.%` PROCEDURE `touch`()",
        "/*!50013 DEFINER='x'@'localhost' SQL SECURITY DEFINER */",
        "INSERT INTO `t` VALUES (1,'DEFINER=`a`@`b`','\u00e4\u20ac');",
        "CREATE TABLE `plain` (`id` int)");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DefinerFilter.copy(new ByteArrayInputStream(dump.getBytes(StandardCharsets.UTF_8)), out);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(String.join("\n",
        "/*!50003 CREATE*/ /*!50017 DEFINER=CURRENT_USER*/ /*!50003 TRIGGER items_audit AFTER UPDATE ON items */;",
        "CREATE DEFINER=CURRENT_USER PROCEDURE `touch`()",
        "/*!50013 DEFINER=CURRENT_USER SQL SECURITY DEFINER */",
        "INSERT INTO `t` VALUES (1,'DEFINER=`a`@`b`','\u00e4\u20ac');",
        "CREATE TABLE `plain` (`id` int)"));

    byte[] big = new byte[300_000];
    java.util.Arrays.fill(big, (byte) 'x');
    ByteArrayOutputStream copied = new ByteArrayOutputStream();
    DefinerFilter.copy(new ByteArrayInputStream(big), copied);
    assertThat(copied.toByteArray()).isEqualTo(big);
  }
}
