package io.stagdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.testkit.TestHost;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles and runs the README's embedding example as it is written there. Only what ties it to a
 * host is swapped for this run's: the ZFS root and data directory literals, and the settings that
 * keep a test run isolated (local images, loopback, run label), added before {@code .build()}.
 */
class EmbeddingExampleIT {
  private static final String PURPOSE = "embedding";

  @BeforeAll
  static void requireHost() {
    TestHost.requireZfsAndDocker();
    TestHost.requireImage("stagdb-test/postgres:15");
  }

  @AfterAll
  static void cleanUp() {
    TestServers.cleanUp(PURPOSE);
  }

  static String example() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int marker = readme.indexOf("<!-- embedding-example -->");
    assertThat(marker).as("the README's embedding example marker").isPositive();
    int start = readme.indexOf("```java\n", marker) + "```java\n".length();
    return readme.substring(start, readme.indexOf("```", start));
  }

  @Test
  void theReadmeExampleCompilesAndRuns(@TempDir Path dir) throws Exception {
    Map<String, String> settings = TestServers.settings(PURPOSE, TestServers.freePort());
    String isolation = settings.entrySet().stream()
        .filter(e -> !e.getKey().equals("zfs.root") && !e.getKey().equals("dataDir") && !e.getKey().startsWith("api."))
        .map(e -> "\n        .set(\"" + e.getKey() + "\", \"" + e.getValue() + "\")").collect(Collectors.joining());
    String source = example();
    assertThat(source).contains("\"tank/stagdb\"", "Path.of(\"/var/lib/stagdb\")", ".build()");
    source = source.replace("\"tank/stagdb\"", "\"" + settings.get("zfs.root") + "\"")
        .replace("Path.of(\"/var/lib/stagdb\")", "Path.of(\"" + settings.get("dataDir") + "\")")
        .replace("        .build()", isolation.substring(1) + "\n        .build()");
    Path file = dir.resolve("EmbeddingExample.java");
    Files.writeString(file, source);

    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int rc = compiler.run(null, null, diagnostics, "-d", dir.toString(), "-cp", System.getProperty("java.class.path"),
        file.toString());
    assertThat(rc).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();

    PrintStream original = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      Method main = loader.loadClass("EmbeddingExample").getMethod("main", String[].class);
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(original);
    }
    assertThat(printed.toString(StandardCharsets.UTF_8)).containsPattern("(?m)^jdbc:postgresql://localhost:\\d+/postgres as postgres$");
    assertThat(TestServers.volumes(PURPOSE)).as("everything it made, it deleted").isEmpty();
    assertThat(TestServers.containers(PURPOSE)).isEmpty();
  }
}
