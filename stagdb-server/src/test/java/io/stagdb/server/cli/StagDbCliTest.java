package io.stagdb.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands that need only the catalog: keys, version, and how configuration errors end. */
class StagDbCliTest {
  @TempDir
  Path dir;

  record Run(int code, String out, String err) {
  }

  Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = StagDbCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void keysAreCreatedListedAndRevokedInTheCatalog() {
    String dataDir = "dataDir=" + dir.toAbsolutePath();
    Run created = run("keys", "create", "--name", "ci", "--scope", "admin", "--set", dataDir);
    assertThat(created.code()).as(created.err()).isZero();
    String token = created.out().strip();
    assertThat(token).startsWith("stagdb_k");
    assertThat(created.err()).contains("shown only now").doesNotContain(token);
    String id = token.substring("stagdb_".length(), token.indexOf('_', "stagdb_".length()));

    Run listed = run("keys", "list", "--set", dataDir);
    assertThat(listed.code()).isZero();
    assertThat(listed.out()).contains(id).contains("admin").contains("active").contains("ci").doesNotContain(token);

    Run last = run("keys", "revoke", id, "--set", dataDir);   // the domain's rule holds on the command line too
    assertThat(last.code()).isEqualTo(1);
    assertThat(last.err()).contains("last active admin key");
    assertThat(run("keys", "create", "--name", "ci-2", "--scope", "admin", "--set", dataDir).code()).isZero();
    assertThat(run("keys", "revoke", id, "--set", dataDir).code()).isZero();
    assertThat(run("keys", "list", "--set", dataDir).out()).contains("revoked");
    Run missing = run("keys", "revoke", "k000000000000", "--set", dataDir);
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("does not exist");
    assertThat(run("keys", "create", "--name", "x", "--scope", "root", "--set", dataDir).code()).isEqualTo(2);
  }

  @Test
  void configurationErrorsEndWithCode2AndNameTheKey() {
    Run bad = run("keys", "list", "--set", "dataDir=" + dir.toAbsolutePath(), "--set", "api.port=0");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("configuration error").contains("'api.port'");
    Run missingFile = run("keys", "list", "--config", dir.resolve("nope.yaml").toString());
    assertThat(missingFile.code()).isEqualTo(2);
    assertThat(missingFile.err()).contains("does not exist");
  }

  @Test
  void versionAndHelp() {
    assertThat(run("version").out()).startsWith("stagDB ");
    Run help = run("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("serve", "keys", "doctor", "reconcile", "version");
    assertThat(run("no-such-command").code()).isEqualTo(2);
  }
}
