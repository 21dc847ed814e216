package io.stagdb.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.api.Dto;
import io.stagdb.client.StagDbApiException;
import io.stagdb.client.StagDbClient;
import io.stagdb.domain.testkit.TestHost;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/databases/{name}/import} on a real server (its heap capped far below the dump)
 * with real PostgreSQL 15 and MariaDB: a custom-format dump of schemas, a sequence, a large table,
 * a large object and an extension arrives with every table's rows and checksum; a plain SQL dump
 * and a MariaDB dump load; a dump the engine refuses half-way and an unknown format are 400s with
 * the data as before and no safety point left; a 1 GB dump streams with the heap flat.
 */
class DumpImportIT {
  private static final String PURPOSE = "dump-import";
  private static final String HEAP = "-Xmx256m";
  private static ServerProcess server;
  private static StagDbClient api;
  private static String url;
  private static String key;
  @TempDir
  static Path dir;

  private static Map<String, String> settings;

  @BeforeAll
  static void startServer() throws Exception {
    TestHost.requireZfsAndDocker();
    TestHost.requireImage("stagdb-test/postgres:15");
    TestHost.requireImage("stagdb-test/mariadb:10.11");
    settings = TestServers.settings(PURPOSE, TestServers.freePort());
    serve();
    key = server.adminKey();
    api = StagDbClient.create(URI.create(url), key);
  }

  /** Starts the server on the test's settings (its data kept from an earlier start). */
  private static void serve() throws Exception {
    List<String> command = new ArrayList<>(List.of("java", HEAP, "-jar", ServerProcess.jar().toString(), "serve"));
    command.addAll(TestServers.setArguments(settings));
    server = ServerProcess.start(command, Map.of(), Path.of("."));
    url = server.awaitUrl(Duration.ofMinutes(5));
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.stop();
    }
    TestServers.cleanUp(PURPOSE);
  }

  private static Dto.Database create(String name, String type, String version) {
    return api.createDatabase(new Dto.CreateDatabase(name, type, version,
        new Dto.Config(null, null, "4g", null, null, null, null, null)));
  }

  private static void sql(Dto.Database db, String statements) throws SQLException {
    try (Connection c = TestServers.connect(db); Statement s = c.createStatement()) {
      s.execute(statements);
    }
  }

  private static String query(Dto.Database db, String sql) throws SQLException {
    try (Connection c = TestServers.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  private static List<String> fingerprint(Dto.Database db) throws SQLException {
    try (Connection c = TestServers.connect(db)) {
      return ProductionData.fingerprint(c);
    }
  }

  /** A dump made with the image's own pg_dump in the database's container, written to a file. */
  private static Path pgDump(Dto.Database db, String format) throws Exception {
    Path file = dir.resolve(db.name() + "." + format);
    Process p = new ProcessBuilder("docker", "exec", "-e", "PGPASSWORD=" + db.connection().password(),
        TestHost.runId() + "-" + PURPOSE + "-" + db.name(), "pg_dump", "-F" + format, "-h", "127.0.0.1",
        "-U", db.connection().username(), db.connection().database())
        .redirectOutput(file.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    assertThat(p.waitFor()).isZero();
    return file;
  }

  private static List<String> safetyPoints() {
    return TestHost.exec(List.of("zfs", "list", "-H", "-o", "name", "-t", "snapshot", "-r", TestHost.datasetFor(PURPOSE)))
        .lines().stream().filter(n -> n.endsWith("@before-import")).toList();
  }

  @Test
  void aCustomFormatDumpArrivesWithEveryTablesRowsAndChecksum() throws Exception {
    Dto.Database source = create("dump-src", "postgresql", "15");
    try (Connection c = TestServers.connect(source)) {
      ProductionData.fill(c, 200000);
    }
    List<String> expected = fingerprint(source);
    Path dump = pgDump(source, "c");

    Dto.Database target = create("dump-dst", "postgresql", "15");
    Dto.DumpImport done = api.importDump("dump-dst", dump);
    assertThat(done.format()).isEqualTo("postgres-custom");
    assertThat(done.bytes()).isEqualTo(Files.size(dump));
    assertThat(fingerprint(target)).isEqualTo(expected);
    assertThat(query(target, "SELECT count(*) FROM sales.orders WHERE note % 'c4ca4238a0b923820dcc509a6f75849b'"))
        .as("the trigram index works").isNotEqualTo("0");
    assertThat(safetyPoints()).isEmpty();

    // the same data as plain SQL into a third database
    Dto.Database plain = create("dump-plain", "postgresql", "15");
    Dto.DumpImport fromSql = api.importDump("dump-plain", pgDump(source, "p"));
    assertThat(fromSql.format()).isEqualTo("sql");
    assertThat(fingerprint(plain)).isEqualTo(expected);
  }

  @Test
  void aDumpTheEngineRefusesHalfWayLeavesTheDataAsBefore() throws Exception {
    Dto.Database db = create("dump-refused", "postgresql", "15");
    sql(db, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (1), (2)");
    String script = "CREATE TABLE partial (x int);\nINSERT INTO partial VALUES (1);\nINSERT INTO kept VALUES (3);\n"
        + "SELECT no_such_function();\nCREATE TABLE never (x int);\n";
    assertThatThrownBy(() -> api.importDump("dump-refused", () -> new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOfSatisfying(StagDbApiException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("no_such_function");
    assertThat(query(db, "SELECT count(*) FROM kept")).isEqualTo("2");
    assertThat(query(db, "SELECT count(*) FROM pg_tables WHERE tablename IN ('partial', 'never')")).isEqualTo("0");
    assertThat(api.getDatabase("dump-refused").status()).isEqualTo("running");
    assertThat(safetyPoints()).isEmpty();

    byte[] gzip = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    assertThatThrownBy(() -> api.importDump("dump-refused", () -> new ByteArrayInputStream(gzip)))
        .isInstanceOfSatisfying(StagDbApiException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("unknown dump format");
    assertThatThrownBy(() -> api.importDump("no-such-db", () -> new ByteArrayInputStream(new byte[] {'-'})))
        .isInstanceOfSatisfying(StagDbApiException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThat(safetyPoints()).isEmpty();
  }

  @Test
  void aMariaDbDumpLoads() throws Exception {
    Dto.Database db = create("dump-maria", "mariadb", "10.11");
    String script = "CREATE TABLE items (id int PRIMARY KEY, label varchar(40));\n"
        + "INSERT INTO items VALUES (1, 'one'), (2, 'two'), (3, 'drei');\n";
    Dto.DumpImport done = api.importDump("dump-maria", () -> new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)));
    assertThat(done.format()).isEqualTo("sql");
    assertThat(query(db, "SELECT GROUP_CONCAT(label ORDER BY id) FROM items")).isEqualTo("one,two,drei");
    String refused = "INSERT INTO items VALUES (4, 'four');\nINSERT INTO no_such_table VALUES (1);\n";
    assertThatThrownBy(() -> api.importDump("dump-maria", () -> new ByteArrayInputStream(refused.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOfSatisfying(StagDbApiException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("no_such_table");
    assertThat(query(db, "SELECT count(*) FROM items")).as("rolled back to before the import").isEqualTo("3");
  }

  @Test
  void aDumpOfOneGigabyteStreamsWithTheHeapFlat() throws Exception {
    Dto.Database db = create("dump-large", "postgresql", "15");
    long rows = 10_000_000;   // 10 M rows of 108 bytes: 1.08 GB of SQL, made as it is sent
    long baseline = heapUsed();
    AtomicLong peak = new AtomicLong(baseline);
    AtomicBoolean uploading = new AtomicBoolean(true);
    Thread sampler = new Thread(() -> {
      while (uploading.get()) {
        try {
          peak.accumulateAndGet(heapUsed(), Math::max);
          Thread.sleep(250);
        } catch (Exception e) {
          return;
        }
      }
    });
    sampler.start();
    Dto.DumpImport done;
    try {
      done = api.importDump("dump-large", () -> new GeneratedDump(rows));
    } finally {
      uploading.set(false);
      sampler.join();
    }
    assertThat(done.bytes()).isGreaterThanOrEqualTo(1L << 30);
    assertThat(query(db, "SELECT count(*) FROM big")).isEqualTo(Long.toString(rows));
    System.out.printf("1 GB upload: %d bytes in %.1f s; server heap used %d MB before, %d MB at most during (%s)%n",
        done.bytes(), done.seconds(), baseline >> 20, peak.get() >> 20, HEAP);
    assertThat(peak.get() - baseline).as("the heap does not grow with the dump").isLessThan(96L << 20);
  }

  @Test
  void aServerKilledMidImportRollsTheDatabaseBackWhenItStartsAgain() throws Exception {
    Dto.Database db = create("dump-killed", "postgresql", "15");
    sql(db, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (1), (2)");
    CompletableFuture<?> upload = CompletableFuture.runAsync(() -> api.importDump("dump-killed", () -> new GeneratedDump(5_000_000)));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (query(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'big'").equals("0")) {
      assertThat(System.nanoTime()).as("the import began").isLessThan(deadline);
      Thread.sleep(100);
    }
    Thread.sleep(1500);   // in the middle of the COPY
    server.kill();
    upload.handle((ok, failed) -> null).get(60, TimeUnit.SECONDS);
    serve();
    assertThat(server.output()).contains("UNDO_IMPORT");
    Dto.Database back = api.getDatabase("dump-killed");
    assertThat(back.status()).isEqualTo("running");
    assertThat(query(back, "SELECT count(*) FROM kept")).isEqualTo("2");
    assertThat(query(back, "SELECT count(*) FROM pg_tables WHERE tablename = 'big'")).as("no half-loaded data").isEqualTo("0");
    assertThat(safetyPoints()).isEmpty();
  }

  /** The server's heap in use, from its own metrics. */
  private static long heapUsed() throws IOException, InterruptedException {
    HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/metrics"))
        .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
    Matcher m = Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"[^}]*} ([0-9.E+]+)$").matcher(metrics.body());
    long used = 0;
    while (m.find()) {
      used += (long) Double.parseDouble(m.group(1));
    }
    assertThat(used).as("heap metrics").isPositive();
    return used;
  }

  /** A plain SQL dump of one table, written as it is read: COPY with {@code rows} lines of 108 bytes. */
  private static final class GeneratedDump extends InputStream {
    private final long rows;
    private long row;
    private byte[] chunk = "CREATE TABLE big (id bigint, pad text);\nCOPY big (id, pad) FROM stdin;\n".getBytes(StandardCharsets.US_ASCII);
    private int at;
    private boolean ended;

    GeneratedDump(long rows) {
      this.rows = rows;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (at == chunk.length && !next()) {
        return -1;
      }
      int n = Math.min(len, chunk.length - at);
      System.arraycopy(chunk, at, b, off, n);
      at += n;
      return n;
    }

    private boolean next() {
      if (ended) {
        return false;
      }
      StringBuilder lines = new StringBuilder(1 << 17);
      for (int i = 0; i < 1000 && row < rows; i++, row++) {
        lines.append(String.format("%012d\t%094d%n", row, row));
      }
      if (row == rows) {
        lines.append("\\.\n");
        ended = true;
      }
      chunk = lines.toString().getBytes(StandardCharsets.US_ASCII);
      at = 0;
      return true;
    }
  }
}
