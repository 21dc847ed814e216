package io.stagdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stagdb.domain.testkit.TestHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/install-ubuntu.md, run as written on a clean root (scripts/clean-root: a minimal Debian with a
 * Java runtime and openssl, as step 1 leaves a host) in a chroot: its code blocks are read from the
 * guide itself, {@code sudo} runs them as root. Steps 3 (the distribution this build made), 4 (the
 * configuration), 5 (a self-signed certificate) and 6 (the admin key, the systemd unit put in place)
 * run; what a chroot cannot hold does not: apt's Docker and ZFS packages, {@code zfs create},
 * {@code systemctl} and {@code journalctl} (the unit's start is what {@code ./stagdb serve} and the
 * server ITs cover). {@code stagdb doctor} then checks configuration, catalog and certificate, and
 * names Docker and ZFS as missing, each with its fix.
 */
class InstallGuideIT {
  private static final String PURPOSE = "install-guide";
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern BLOCK = Pattern.compile("```(bash|yaml)\\n(.*?)```", Pattern.DOTALL);
  private static final Path ROOT = TestHost.mountDirFor(PURPOSE).resolve("root");

  @BeforeAll
  static void requireHost() {
    TestHost.require(TestHost.exec(List.of("unshare", "--version")).ok(), "unshare (util-linux)");
    TestHost.destroyFor(PURPOSE);
  }

  @AfterAll
  static void cleanUp() {
    TestHost.destroyFor(PURPOSE);
  }

  /** The guide's code blocks, by the title of their section ("3. The program"), in order. */
  private static Map<String, List<String[]>> blocks() throws Exception {
    String guide = Files.readString(REPO.resolve("docs/install-ubuntu.md"));
    Map<String, List<String[]>> sections = new LinkedHashMap<>();
    for (String section : guide.split("\n## ")) {
      String title = section.substring(0, section.indexOf('\n')).trim();
      Matcher m = BLOCK.matcher(section);
      while (m.find()) {
        sections.computeIfAbsent(title, k -> new ArrayList<>()).add(new String[] {m.group(1), m.group(2)});
      }
    }
    return sections;
  }

  private static String only(Map<String, List<String[]>> blocks, String section, String kind, int index) {
    List<String> of = blocks.getOrDefault(section, List.of()).stream().filter(b -> b[0].equals(kind)).map(b -> b[1]).toList();
    assertThat(of).as("%s blocks of section '%s' of the guide", kind, section).hasSizeGreaterThan(index);
    return of.get(index);
  }

  /**
   * {@code command} in the clean root, as root, with a /proc of its own (Java finds itself through
   * /proc/self/exe) in a mount namespace of its own, so nothing stays mounted when it ends.
   */
  private static TestHost.Result inRoot(String... command) {
    List<String> all = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--mount-proc=" + ROOT.resolve("proc"),
        "chroot", ROOT.toString(), "/usr/bin/env", "-i", "HOME=/root",
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
    all.addAll(List.of(command));
    return TestHost.exec(all, Duration.ofMinutes(3));
  }

  /** Runs a block of the guide in the clean root, from /root (where the tarball was copied). */
  private static String run(String script) {
    TestHost.Result r = inRoot("/bin/bash", "-euo", "pipefail", "-c", "cd /root\n" + script);
    assertThat(r.ok()).as("in the clean root:%n%s%n->%n%s%s", script, r.stdout(), r.stderr()).isTrue();
    return r.stdout() + r.stderr();
  }

  @Test
  void theGuidesStepsWorkOnACleanHost() throws Exception {
    Path tarball;
    try (Stream<Path> built = Files.list(REPO.resolve("stagdb-server/target"))) {
      tarball = built.filter(p -> p.getFileName().toString().matches("stagdb-.+\\.tar\\.gz")).findFirst().orElseThrow(
          () -> new AssertionError("no distribution in stagdb-server/target (the package phase builds it)"));
    }
    TestHost.Result root = TestHost.exec(List.of(REPO.resolve("scripts/clean-root").toString(), ROOT.toString()),
        Duration.ofMinutes(15));
    assertThat(root.ok()).as("scripts/clean-root: %s", root.stderr()).isTrue();
    assertThat(ROOT.resolve("opt/stagdb")).doesNotExist();
    assertThat(ROOT.resolve("usr/bin/javac")).doesNotExist();   // a runtime only, as step 1 installs
    Files.copy(tarball, ROOT.resolve("root").resolve(tarball.getFileName()));
    Path sudo = Files.writeString(ROOT.resolve("usr/local/bin/sudo"), "#!/bin/sh\nexec \"$@\"\n");
    sudo.toFile().setExecutable(true);
    Map<String, List<String[]>> guide = blocks();

    // 3. the program: unpack, link, --version; then completion
    String installed = run(only(guide, "3. The program", "bash", 0));
    assertThat(installed).contains("0.1.0");
    assertThat(ROOT.resolve("usr/local/bin/stagdb")).isSymbolicLink();
    run(only(guide, "3. The program", "bash", 1));
    assertThat(Files.readString(ROOT.resolve("etc/bash_completion.d/stagdb"))).contains("complete").contains("stagdb");

    // 4. the configuration, with 5.'s TLS keys added under api; 5. the self-signed certificate
    ObjectNode config = (ObjectNode) YAML.readTree(only(guide, "4. Configuration", "yaml", 0));
    JsonNode tls = YAML.readTree(only(guide, "5. TLS", "yaml", 0));
    ((ObjectNode) config.get("api")).setAll((ObjectNode) tls.get("api"));
    Files.createDirectories(ROOT.resolve("etc/stagdb"));
    YAML.writeValue(ROOT.resolve("etc/stagdb/stagdb.yaml").toFile(), config);
    run(only(guide, "5. TLS", "bash", 0));
    assertThat(ROOT.resolve("etc/stagdb/tls/key.pem")).exists();

    // 6. the admin key and the unit (systemctl and journalctl need a running systemd: not here)
    Files.createDirectories(ROOT.resolve("etc/systemd/system"));
    String step6 = only(guide, "6. An admin key, then the service", "bash", 0).lines()
        .filter(l -> !l.contains("systemctl") && !l.contains("journalctl")).reduce("", (a, b) -> a + b + "\n");
    String key = run(step6);
    assertThat(key).containsPattern("stagdb_k[0-9a-f]+_\\S+");
    assertThat(run("sudo stagdb keys list")).contains("admin");
    String unit = Files.readString(ROOT.resolve("etc/systemd/system/stagdb.service"));
    Matcher exec = Pattern.compile("ExecStart=(\\S+)").matcher(unit);
    assertThat(exec.find()).isTrue();
    assertThat(ROOT.resolve(exec.group(1).substring(1))).isExecutable();
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(ROOT.resolve("var/lib/stagdb/catalog.db")))).isEqualTo("rw-------");

    // the host's check: what is in place passes; Docker and ZFS, which a chroot cannot have, fail with their fixes
    TestHost.Result doctor = inRoot("stagdb", "doctor");
    assertThat(doctor.exitCode()).as(doctor.stdout()).isEqualTo(1);
    assertThat(doctor.stdout())
        .contains("ok    configuration")
        .contains("ok    catalog /var/lib/stagdb/catalog.db")
        .containsPattern("ok    TLS certificate /etc/stagdb/tls/cert.pem\\n\\s+CN=staging-db.example.com, valid until \\S+ \\(82\\d days\\)")
        .contains("FAIL  ZFS dataset root tank/stagdb")
        .contains("FAIL  Docker engine")
        .contains("some checks failed");
  }
}
