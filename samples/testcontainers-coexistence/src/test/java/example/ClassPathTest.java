package example;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What stagdb-junit adds to a test class path: the HTTP client and the domain's records, and none of the server. */
class ClassPathTest {

  @Test
  void noneOfTheServersLibrariesComeAlong() {
    for (String absent : List.of("io.javalin.Javalin", "org.eclipse.jetty.server.Server", "org.sqlite.JDBC",
        "org.flywaydb.core.Flyway", "jnr.ffi.LibraryLoader", "io.stagdb.server.StagDbEngine",
        "com.github.dockerjava.core.DockerClientImpl", "org.mariadb.jdbc.Driver")) {
      assertThat(loadable(absent)).as(absent).isFalse();
    }
    assertThat(loadable("io.stagdb.client.StagDbClient")).isTrue();
  }

  @Test
  void dockerJavaIsTestcontainersOwn() {
    // Testcontainers 2 needs docker-java 3.5+ (ImageHistoryCmd); nothing older may take its place
    assertThat(loadable("com.github.dockerjava.api.command.ImageHistoryCmd")).isTrue();
  }

  private static boolean loadable(String name) {
    try {
      Class.forName(name, false, ClassPathTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
