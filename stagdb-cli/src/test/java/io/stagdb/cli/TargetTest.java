package io.stagdb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Where the server and key come from. (The environment of this JVM is not changed; flags and files are.) */
class TargetTest {
  @TempDir
  Path dir;
  private Contexts contexts;

  @BeforeEach
  void contextsFile() {
    Path file = dir.resolve("contexts.yaml");
    System.setProperty("stagdb.contexts", file.toString());
    contexts = new Contexts(file);
  }

  @AfterEach
  void clear() {
    System.clearProperty("stagdb.contexts");
  }

  private static Target parse(String... args) {
    Target target = new Target();
    new CommandLine(target).parseArgs(args);
    return target;
  }

  @Test
  void withNothingSetItIsTheLocalServer() {
    Target.Resolved r = parse().resolve();
    if (System.getenv("STAGDB_URL") == null) {
      assertThat(r.url()).hasToString(Target.DEFAULT_URL);
    }
    assertThat(r.context()).isNull();
  }

  @Test
  void theCurrentContextGivesUrlKeyAndCaAndFlagsWin() throws Exception {
    contexts.write(new Contexts.File("staging", Map.of(
        "staging", new Contexts.Context("https://stagdb.internal:8443", "stagdb_kstaging", "/etc/stagdb/ca.pem"),
        "prod", new Contexts.Context("https://prod:8443", "stagdb_kprod", null))));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(contexts.path()))).isEqualTo("rw-------");
    if (System.getenv("STAGDB_URL") == null && System.getenv("STAGDB_API_KEY") == null) {
      Target.Resolved current = parse().resolve();
      assertThat(current.url()).hasToString("https://stagdb.internal:8443");
      assertThat(current.apiKey()).isEqualTo("stagdb_kstaging");
      assertThat(current.caFile()).hasToString("/etc/stagdb/ca.pem");
      assertThat(current.context()).isEqualTo("staging");
    }
    Target.Resolved chosen = parse("--context", "prod").resolve();
    assertThat(chosen.url()).hasToString("https://prod:8443");
    assertThat(chosen.apiKey()).isEqualTo("stagdb_kprod");
    Path keyFile = Files.writeString(dir.resolve("key"), "stagdb_kfromfile\n");
    Target.Resolved flags = parse("--context", "prod", "--url", "http://10.0.0.5:8080", "--api-key-file", keyFile.toString())
        .resolve();
    assertThat(flags.url()).hasToString("http://10.0.0.5:8080");
    assertThat(flags.apiKey()).isEqualTo("stagdb_kfromfile");
  }

  @Test
  void anUnknownContextOrABadUrlIsBadInput() {
    assertThatThrownBy(() -> parse("--context", "nope").resolve()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no context 'nope'");
    assertThatThrownBy(() -> parse("--url", "ftp://x").resolve()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be http");
    assertThatThrownBy(() -> parse("--output", "xml").output(new java.io.PrintWriter(java.io.Writer.nullWriter())))
        .hasMessageContaining("table or json");
  }
}
