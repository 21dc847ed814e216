package io.stagdb.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.api.Dto;
import io.stagdb.client.StagDbApiException;
import io.stagdb.client.StagDbClient;
import io.stagdb.domain.testkit.TestHost;
import io.stagdb.domain.testkit.TestPostgres;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/databases} with a {@code source} on a real server: the "production" servers are plain
 * containers of the local PostgreSQL 15 and 16 and MariaDB images, outside stagDB's catalog, on the host's
 * network (as another machine would be, reached at the host's address from the database's container).
 * The PostgreSQL source holds schemas, a sequence, a large table, a large object and an extension; after
 * the import every table's rows and checksum match, the progress was shown while it ran, a snapshot was
 * taken, a branch of it has the data, and the source's password is nowhere but the catalog. A source
 * newer than the target, a wrong password and an unreachable source are 400s that leave nothing. A server
 * killed during an import comes back with the half-made database undone, and a volume too small for the copy is a
 * clear refusal. Then the source changes and a refresh switches the database to a fresh copy: its old branch keeps
 * the old data, a branch of the refresh's snapshot has the new. A MariaDB source does the same.
 */
class LiveImportIT {
  private static final String PURPOSE = "live-import";
  private static final String SOURCE_PASSWORD = "prod-s3cret!";
  private static ServerProcess server;
  private static StagDbClient api;
  private static Map<String, String> settings;
  private static final List<String> sources = new ArrayList<>();
  private static String hostAddress;

  @BeforeAll
  static void startServer() throws Exception {
    TestHost.requireZfsAndDocker();
    TestHost.requireImage("stagdb-test/postgres:15");
    TestHost.requireImage("stagdb-test/postgres:16");
    TestHost.requireImage("stagdb-test/mariadb:10.11");
    settings = TestServers.settings(PURPOSE, TestServers.freePort());
    settings.put("resources.min.storage", "64m");   // a volume too small for a copy, without a source of gigabytes
    serve();
    // an address of this host that the database containers reach: Docker's default bridge's, docker0
    java.net.NetworkInterface docker0 = java.net.NetworkInterface.getByName("docker0");
    assertThat(docker0).as("Docker's default bridge, docker0").isNotNull();
    hostAddress = docker0.inetAddresses().filter(a -> a instanceof java.net.Inet4Address).findFirst()
        .orElseThrow().getHostAddress();
  }

  private static void serve() throws Exception {
    List<String> command = new ArrayList<>(List.of("java", "-jar", ServerProcess.jar().toString(), "serve"));
    command.addAll(TestServers.setArguments(settings));
    server = ServerProcess.start(command, Map.of(), Path.of("."));
    URI url = URI.create(server.awaitUrl(Duration.ofMinutes(5)));
    if (api == null) {
      api = StagDbClient.create(url, server.adminKey());
    }
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.stop();
    }
    for (String name : sources) {
      TestHost.exec(List.of("docker", "rm", "-f", "-v", name));
    }
    TestServers.cleanUp(PURPOSE);
  }

  /** Starts a "production" server on the host's network at a free port; its container is this run's (swept after a kill). */
  private static int production(String image, String name, Map<String, String> env, String... args) throws Exception {
    int port = TestServers.freePort();
    String container = TestHost.runId() + "-" + PURPOSE + "-" + name;
    List<String> run = new ArrayList<>(List.of("docker", "run", "-d", "--name", container, "--network", "host",
        "--label", TestHost.RUN_LABEL + "=" + TestHost.runId()));
    env.forEach((k, v) -> run.addAll(List.of("-e", k + "=" + v)));
    run.add(image);
    for (String arg : args) {
      run.add(arg.replace("PORT", Integer.toString(port)));
    }
    TestHost.Result started = TestHost.exec(run);
    assertThat(started.ok()).as(started.stderr()).isTrue();
    sources.add(container);
    return port;
  }

  private static Connection connectPg(int port, String database) throws Exception {
    return TestPostgres.awaitConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres",
        SOURCE_PASSWORD, Duration.ofSeconds(90));
  }

  private static Connection connectMaria(int port) throws Exception {
    return TestPostgres.awaitConnection("jdbc:mariadb://127.0.0.1:" + port + "/shop", "reader", SOURCE_PASSWORD,
        Duration.ofSeconds(90));
  }

  private static int postgresSource(String name, String version) throws Exception {
    int port = production("stagdb-test/postgres:" + version, name, Map.of("POSTGRES_PASSWORD", SOURCE_PASSWORD,
        "POSTGRES_DB", "app"), "postgres", "-c", "port=PORT");
    try (Connection c = connectPg(port, "app")) {
      assertThat(c.isValid(5)).isTrue();
    }
    return port;
  }

  private static String query(Connection c, String sql) throws SQLException {
    return ProductionData.query(c, sql);
  }

  private static List<String> fingerprint(Connection c) throws SQLException {
    return ProductionData.fingerprint(c);
  }

  private static Dto.CreateDatabase from(String name, String version, String url) {
    return new Dto.CreateDatabase(name, "postgresql", version, new Dto.Config(null, null, "4g", null, null, null, null, null),
        new Dto.Source(url));
  }

  private String pgUrl(int port, String password) {
    return "postgresql://postgres:" + java.net.URLEncoder.encode(password, java.nio.charset.StandardCharsets.UTF_8)
        + "@" + hostAddress + ":" + port + "/app";
  }

  @Test
  void aPostgresSourceIsCopiedInWithProgressASnapshotAndItsPasswordKeptSecret() throws Exception {
    int port = postgresSource("pg-prod", "15");
    List<String> expected;
    try (Connection prod = connectPg(port, "app")) {
      ProductionData.fill(prod, 300000);
      expected = fingerprint(prod);
    }

    Dto.Accepted accepted = api.createDatabaseAsync(from("imported", "15", pgUrl(port, SOURCE_PASSWORD)));
    assertThat(accepted.status()).isEqualTo("creating");
    Dto.ImportState seen = null;
    Dto.Database db = api.getDatabase("imported");
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (!db.status().equals("running") && System.nanoTime() < deadline) {
      assertThat(db.status()).as(db.statusDetail()).isIn("creating", "importing");
      if (db.status().equals("importing") && db.importing() != null) {
        seen = db.importing();
      }
      Thread.sleep(50);
      db = api.getDatabase("imported");
    }
    assertThat(db.status()).as(db.statusDetail()).isEqualTo("running");
    assertThat(seen).as("the progress while it was importing").isNotNull();
    assertThat(seen.phase()).isIn("dump", "restore");
    assertThat(seen.objectsTotal()).as("the source's tables").isEqualTo(3);
    assertThat(seen.bytesTotal()).isPositive();
    assertThat(db.importing()).isNull();

    try (Connection c = TestServers.connect(db)) {
      assertThat(fingerprint(c)).isEqualTo(expected);
    }
    assertThat(db.source().url()).isEqualTo("postgresql://postgres:********@" + hostAddress + ":" + port + "/app");
    List<Dto.Snapshot> snapshots = api.snapshots("imported");
    assertThat(snapshots).singleElement().satisfies(s -> assertThat(s.name()).matches("imported-import-\\d{8}-\\d{6}"));
    assertThat(api.logs("imported", 500)).contains("import from the source").contains("pg_restore")
        .contains("processing data for table").doesNotContain(SOURCE_PASSWORD);

    Dto.Database branch = api.branchFromSnapshot(snapshots.get(0).name(), new Dto.CreateBranch("imported-branch", null, null));
    try (Connection c = TestServers.connect(branch)) {
      assertThat(fingerprint(c)).isEqualTo(expected);
    }

    // the source changes; a refresh switches the database to a fresh copy under the same port and password
    try (Connection prod = connectPg(port, "app"); Statement s = prod.createStatement()) {
      s.execute("INSERT INTO sales.customers VALUES (2001, 'new customer')");
    }
    Dto.Database refreshed = api.refresh("imported");
    assertThat(refreshed.status()).isEqualTo("running");
    assertThat(refreshed.connection().port()).isEqualTo(db.connection().port());
    assertThat(refreshed.connection().password()).isEqualTo(db.connection().password());
    try (Connection c = TestServers.connect(db)) {
      assertThat(query(c, "SELECT count(*) FROM sales.customers")).as("the old connection details reach the new copy")
          .isEqualTo("2001");
    }
    try (Connection c = TestServers.connect(branch)) {
      assertThat(query(c, "SELECT count(*) FROM sales.customers")).as("the old branch keeps the old data").isEqualTo("2000");
    }
    List<Dto.Snapshot> after = api.snapshots("imported");
    assertThat(after).extracting(Dto.Snapshot::name).hasSize(2).anyMatch(n -> n.matches("imported-refresh-\\d{8}-\\d{6}"));
    String newest = after.stream().map(Dto.Snapshot::name).filter(n -> n.contains("-refresh-")).findFirst().orElseThrow();
    Dto.Database fresh = api.branchFromSnapshot(newest, new Dto.CreateBranch("refreshed-branch", null, null));
    try (Connection c = TestServers.connect(fresh)) {
      assertThat(query(c, "SELECT count(*) FROM sales.customers")).as("a new branch has the new data").isEqualTo("2001");
    }
    assertThat(TestServers.containers(PURPOSE)).as("no staging container left").noneMatch(c -> c.contains("standby-"));

    // the source's password: in the catalog only
    String inspected = TestHost.exec(List.of("docker", "inspect", TestHost.runId() + "-" + PURPOSE + "-imported")).stdout();
    assertThat(inspected).doesNotContain(SOURCE_PASSWORD);
    assertThat(server.output()).doesNotContain(SOURCE_PASSWORD);
    assertThat(api.listDatabases(null, null, null, 100, 0).toString()).doesNotContain(SOURCE_PASSWORD);
  }

  @Test
  void aNewerSourceAWrongPasswordAndAnUnreachableSourceAreClearRefusalsThatLeaveNothing() throws Exception {
    int newer = postgresSource("pg16-prod", "16");
    assertThatThrownBy(() -> api.createDatabase(from("too-old", "15", pgUrl(newer, SOURCE_PASSWORD))))
        .isInstanceOfSatisfying(StagDbApiException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("source.url").hasMessageContaining("newer than the target's 15");
    assertThatThrownBy(() -> api.createDatabase(from("wrong-login", "16", pgUrl(newer, "not-the-password"))))
        .isInstanceOfSatisfying(StagDbApiException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("password authentication failed").hasMessageNotContaining("not-the-password");
    int closed = TestServers.freePort();
    assertThatThrownBy(() -> api.createDatabase(from("unreachable", "15", pgUrl(closed, SOURCE_PASSWORD))))
        .isInstanceOfSatisfying(StagDbApiException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("source.url").hasMessageContaining("connection").hasMessageNotContaining(SOURCE_PASSWORD);
    assertThatThrownBy(() -> api.createDatabase(new Dto.CreateDatabase("cross", "mariadb", "10.11", null,
            new Dto.Source(pgUrl(newer, SOURCE_PASSWORD)))))
        .isInstanceOfSatisfying(StagDbApiException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("cannot be copied into a mariadb");
    for (String name : List.of("too-old", "wrong-login", "unreachable", "cross")) {
      assertThatThrownBy(() -> api.getDatabase(name)).isInstanceOfSatisfying(StagDbApiException.class,
          e -> assertThat(e.status()).isEqualTo(404));
      assertThat(TestServers.containers(PURPOSE)).noneMatch(c -> c.endsWith("-" + name));
    }
  }

  @Test
  void aServerKilledDuringAnImportComesBackWithTheHalfMadeDatabaseUndone() throws Exception {
    int port = postgresSource("pg-big", "15");
    try (Connection prod = connectPg(port, "app"); Statement s = prod.createStatement()) {
      s.execute("CREATE TABLE big AS SELECT g AS id, md5(g::text) AS a, md5((g * 7)::text) AS b "
          + "FROM generate_series(1, 2000000) g");
    }
    List<String> volumesBefore = TestServers.volumes(PURPOSE);

    // a volume too small for the copy: a clear refusal, nothing left
    assertThatThrownBy(() -> api.createDatabase(new Dto.CreateDatabase("too-small", "postgresql", "15",
            new Dto.Config(null, null, "100m", null, null, null, null, null), new Dto.Source(pgUrl(port, SOURCE_PASSWORD)))))
        .isInstanceOfSatisfying(StagDbApiException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("config.storage").hasMessageContaining("filled up during the copy");
    assertThat(TestServers.volumes(PURPOSE)).isEqualTo(volumesBefore);
    assertThat(TestServers.containers(PURPOSE)).noneMatch(c -> c.endsWith("-too-small"));

    api.createDatabaseAsync(from("cut-short", "15", pgUrl(port, SOURCE_PASSWORD)));
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (!api.getDatabase("cut-short").status().equals("importing")) {
      assertThat(System.nanoTime()).as("it began importing").isLessThan(deadline);
      Thread.sleep(50);
    }
    server.kill();
    serve();

    assertThatThrownBy(() -> api.getDatabase("cut-short")).isInstanceOfSatisfying(StagDbApiException.class,
        e -> assertThat(e.status()).isEqualTo(404));
    assertThat(TestServers.containers(PURPOSE)).noneMatch(c -> c.endsWith("-cut-short"));
    assertThat(TestServers.volumes(PURPOSE)).isEqualTo(volumesBefore);
    assertThat(server.output()).contains("was cut short").doesNotContain(SOURCE_PASSWORD);
  }

  @Test
  void aMariaDbSourceIsCopiedIn() throws Exception {
    int port = production("stagdb-test/mariadb:10.11", "maria-prod", Map.of("MYSQL_ROOT_PASSWORD", "root-" + SOURCE_PASSWORD,
        "MYSQL_DATABASE", "shop", "MYSQL_USER", "reader", "MYSQL_PASSWORD", SOURCE_PASSWORD), "mariadbd", "--port=PORT",
        "--bind-address=0.0.0.0");
    String expected;
    try (Connection prod = connectMaria(port); Statement s = prod.createStatement()) {
      s.execute("CREATE TABLE items (id int PRIMARY KEY, label varchar(40), price decimal(8,2))");
      s.execute("SET SESSION max_recursive_iterations = 100000");
      s.execute("INSERT INTO items WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) "
          + "SELECT i, concat('item ', i), i * 0.5 FROM n");
      s.execute("CREATE TABLE audit (id int AUTO_INCREMENT PRIMARY KEY, item int, at timestamp DEFAULT CURRENT_TIMESTAMP)");
      s.execute("CREATE TRIGGER items_audit AFTER UPDATE ON items FOR EACH ROW INSERT INTO audit (item) VALUES (NEW.id)");
      expected = query(prod, "SELECT concat(count(*), ' ', md5(group_concat(id, label, price ORDER BY id))) FROM items");
    }
    String url = "mariadb://reader:" + java.net.URLEncoder.encode(SOURCE_PASSWORD, java.nio.charset.StandardCharsets.UTF_8)
        + "@" + hostAddress + ":" + port + "/shop";
    Dto.Database db = api.createDatabase(new Dto.CreateDatabase("maria-imported", "mariadb", "10.11",
        new Dto.Config(null, null, "4g", null, null, null, null, null), new Dto.Source(url)));
    assertThat(db.status()).isEqualTo("running");
    try (Connection c = TestServers.connect(db); Statement s = c.createStatement()) {
      assertThat(query(c, "SELECT concat(count(*), ' ', md5(group_concat(id, label, price ORDER BY id))) FROM items"))
          .isEqualTo(expected);
      s.execute("UPDATE items SET price = price + 1 WHERE id = 7");
      assertThat(query(c, "SELECT count(*) FROM audit WHERE item = 7")).as("the trigger came along").isEqualTo("1");
    }
    List<Dto.Snapshot> snapshots = api.snapshots("maria-imported");
    assertThat(snapshots).hasSize(1);
    assertThat(api.logs("maria-imported", 200)).contains("mariadb-dump").doesNotContain(SOURCE_PASSWORD);

    // branch, change the source, refresh: the old branch keeps the old data, a new branch has the new
    Dto.Database branch = api.branchFromSnapshot(snapshots.get(0).name(), new Dto.CreateBranch("maria-branch", null, null));
    try (Connection prod = connectMaria(port); Statement s = prod.createStatement()) {
      s.execute("INSERT INTO items VALUES (20001, 'new item', 1.00)");
    }
    Dto.Database refreshed = api.refresh("maria-imported");
    assertThat(refreshed.connection().port()).isEqualTo(db.connection().port());
    assertThat(refreshed.connection().password()).isEqualTo(db.connection().password());
    try (Connection c = TestServers.connect(db)) {
      assertThat(query(c, "SELECT count(*) FROM items")).isEqualTo("20001");
    }
    try (Connection c = TestServers.connect(branch)) {
      assertThat(query(c, "SELECT count(*) FROM items")).as("the old branch keeps the old data").isEqualTo("20000");
    }
    String newest = api.snapshots("maria-imported").stream().map(Dto.Snapshot::name).filter(n -> n.contains("-refresh-"))
        .findFirst().orElseThrow();
    try (Connection c = TestServers.connect(api.branchFromSnapshot(newest, new Dto.CreateBranch("maria-fresh", null, null)))) {
      assertThat(query(c, "SELECT count(*) FROM items")).as("a new branch has the new data").isEqualTo("20001");
    }
  }
}
