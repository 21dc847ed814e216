package io.stagdb.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.testkit.TestHost;
import io.stagdb.api.Dto;
import io.stagdb.client.StagDbClient;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SIGKILLs the server in the middle of creating a branch, at several moments, restarts it, and
 * checks that reconciliation left the catalog, the volumes and the containers in agreement: the
 * branch is either fully there or not at all, and the source's data is intact.
 */
class KillDuringBranchIT {
  private static final String PURPOSE = "kill";
  private static Map<String, String> settings;

  @BeforeAll
  static void requireHost() {
    TestHost.requireZfsAndDocker();
    TestHost.requireImage("stagdb-test/postgres:15");
    settings = TestServers.settings(PURPOSE, TestServers.freePort());
  }

  @AfterAll
  static void cleanUp() {
    TestServers.cleanUp(PURPOSE);
  }

  private static ServerProcess startServer() throws Exception {
    List<String> command = new ArrayList<>(List.of("java", "-jar", ServerProcess.jar().toString(), "serve"));
    command.addAll(TestServers.setArguments(settings));
    return ServerProcess.start(command, Map.of(), Path.of("."));
  }

  @Test
  void aKilledBranchIsUndoneOrCompleteAfterRestart() throws Exception {
    ServerProcess server = startServer();
    String url = server.awaitUrl(Duration.ofSeconds(60));
    String key = server.adminKey();
    StagDbClient client = StagDbClient.create(URI.create(url), key);
    Dto.Database source = client.createDatabase(new Dto.CreateDatabase("kill-src", "postgresql", "15", new Dto.Config(null,
        null, null, null, null, List.of("CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 1000) g"))));
    client.createSnapshot("kill-src", "kill-base");
    try {
      for (int delay : new int[] {100, 300, 500, 700, 1200}) {
        String branch = "kill-" + delay;
        StagDbClient current = client;
        CompletableFuture<?> request = CompletableFuture.runAsync(() ->
            current.branchFromSnapshot("kill-base", new Dto.CreateBranch(branch, null, null)));
        Thread.sleep(delay);
        server.kill();
        // the request either completed just before the kill or lost its connection: both are fine
        request.handle((ok, failed) -> null).get(30, java.util.concurrent.TimeUnit.SECONDS);
        server = startServer();
        url = server.awaitUrl(Duration.ofSeconds(60));
        client = StagDbClient.create(URI.create(url), key);
        assertAgreement(client, "after a kill " + delay + " ms into the branch");
        String reconciled = server.output().lines().filter(l -> l.contains("reconcile:")).toList().toString();
        System.out.println("kill " + delay + " ms into the branch: branch " + (client.listDatabases(null, null, null, 100, 0)
            .items().stream().anyMatch(d -> d.name().equals(branch)) ? "complete" : "undone") + "; " + reconciled);
      }
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + source.connection().port()
          + "/postgres", "postgres", source.connection().password()); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT count(*), sum(id) FROM t")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(1000);
        assertThat(rs.getLong(2)).isEqualTo(500500);
      }
      client.deleteDatabaseAndWait("kill-src", true);
      assertThat(TestServers.volumes(PURPOSE)).isEmpty();
      assertThat(TestServers.containers(PURPOSE)).isEmpty();
      assertThat(server.stop()).isIn(0, 143);
      assertThat(server.output()).contains("stopped");
    } finally {
      server.close();
    }
  }

  /** Every database runs and is reachable; one volume and one container each; nothing else. */
  private static void assertAgreement(StagDbClient client, String when) throws Exception {
    List<Dto.Database> databases = client.listDatabases(null, null, null, 1000, 0).items();
    assertThat(databases).as(when).allSatisfy(d -> assertThat(d.status()).isEqualTo("running"));
    assertThat(TestServers.volumes(PURPOSE)).as(when + ": volumes").hasSize(databases.size());
    assertThat(TestServers.containers(PURPOSE)).as(when + ": containers").hasSize(databases.size());
    assertThat(databases.stream().map(d -> d.connection().port()).distinct()).as(when + ": ports").hasSize(databases.size());
    for (Dto.Database d : databases) {
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + d.connection().port() + "/postgres",
          d.connection().username(), d.connection().password()); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).as(when + ": rows in " + d.name()).isEqualTo(1000);
      }
    }
  }
}
