package io.stagdb.server;

import io.stagdb.api.Dto;
import io.stagdb.client.StagDbApiException;
import io.stagdb.client.StagDbClient;
import io.stagdb.domain.testkit.TestHost;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The fault campaign with concurrent clients: {@value #CLIENTS} clients at once do seeded random
 * work on a small set of overlapping names — create, write, snapshot, branch from a database
 * (automatic snapshots) or a snapshot (standbys on), reset, recycle, release (a test run's end: the
 * branch kept as a standby once a recycle under way is done), stop and start, delete with and
 * without cascade, delete snapshots with and without cascade — while the round's fault strikes
 * (SIGKILL of the server, a Docker engine restart, a killed engine, a failing zfs call, a full pool).
 *
 * <p>Invariants, besides those of catalog and host agreeing one to one after recovery
 * ({@link HostAgreement}): every request is answered within its bound (the lock wait plus the
 * engine's ready timeout, plus a margin), a request refused with 500 is a bug, every database
 * runs and answers after recovery, and its rows are intact.
 */
public final class ConcurrentCampaign implements AutoCloseable {
  static final int CLIENTS = 8;
  private static final String PURPOSE = "chaos-concurrent";
  private static final Duration LOCK_WAIT = Duration.ofSeconds(10);
  private static final Duration READY = Duration.ofSeconds(60);
  /** No request may take longer: waiting for its names, then for an engine, and a margin for the rest. */
  static final Duration BOUND = LOCK_WAIT.plus(READY).plusSeconds(30);
  private static final List<String> SOURCES = List.of("src-a", "src-b");
  private static final List<String> BRANCHES = List.of("br-1", "br-2", "br-3", "br-4", "br-5");
  private static final List<String> SNAPSHOTS = List.of("snap-1", "snap-2", "snap-3");

  enum Kind { CREATE, WRITE, SNAPSHOT, BRANCH_FROM_DATABASE, BRANCH_FROM_SNAPSHOT, RESET, RECYCLE, RELEASE, STOP_START,
    DELETE, DELETE_CASCADE, DELETE_SNAPSHOT, DELETE_SNAPSHOT_CASCADE }

  private final long seed;
  private final Random random;
  private final Map<String, String> settings;
  private final HostFaults hostFaults;
  private final Map<String, Integer> operations = Collections.synchronizedMap(new TreeMap<>());
  private final Map<String, Integer> answers = Collections.synchronizedMap(new TreeMap<>());
  private final Map<String, Integer> faults = new TreeMap<>();
  private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
  private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
  private ServerProcess server;
  private volatile StagDbClient client;
  private String adminKey;

  public ConcurrentCampaign(long seed) throws Exception {
    this.seed = seed;
    this.random = new Random(seed);
    hostFaults = new HostFaults(TestHost.mountDirFor(PURPOSE), TestHost.datasetFor(PURPOSE + "-ballast"));
    settings = TestServers.settings(PURPOSE, TestServers.freePort());
    settings.put("zfs.mode", "cli");
    settings.put("zfs.command", hostFaults.zfsCommand());
    settings.put("resources.default.memory", "256m");
    settings.put("operations.lockWait", LOCK_WAIT.toSeconds() + "s");
    settings.put("readyTimeout", READY.toSeconds() + "s");
    settings.put("standby.perSnapshot", "1");
  }

  /** Runs {@code rounds} rounds, each fault in turn; returns the report. */
  public Report run(int rounds) throws Exception {
    long started = System.nanoTime();
    restartServer();
    for (int round = 1; round <= rounds; round++) {
      FaultCampaign.Fault fault = FaultCampaign.Fault.values()[(round - 1) % FaultCampaign.Fault.values().length];
      round(round, fault);
      recover();
      check("round " + round + " (" + fault + ")");
      System.err.printf("[chaos-concurrent] round %d (%s): %d operations so far, %d violations%n", round, fault,
          total(operations), violations.size());
    }
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    return new Report(seed, rounds, Map.copyOf(operations), Map.copyOf(answers), Map.copyOf(faults), List.copyOf(violations),
        sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1), sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2),
        Duration.ofNanos(System.nanoTime() - started));
  }

  /** What a campaign did and found. */
  public record Report(long seed, int rounds, Map<String, Integer> operations, Map<String, Integer> answers,
                       Map<String, Integer> faults, List<String> violations, long slowestMillis, long medianMillis,
                       Duration took) {
    public String markdown() {
      StringBuilder s = new StringBuilder();
      s.append("- seed: ").append(seed).append(" (re-run: `scripts/chaos --concurrent ").append(rounds).append(' ')
          .append(seed).append("`)\n- rounds: ").append(rounds).append(", ").append(CLIENTS)
          .append(" clients at once, time: ").append(took.toSeconds()).append(" s\n")
          .append("- operations: ").append(total(operations)).append(" — ").append(counts(operations)).append('\n')
          .append("- answers: ").append(counts(answers)).append('\n')
          .append("- faults injected: ").append(counts(faults)).append('\n')
          .append("- slowest answer: ").append(slowestMillis).append(" ms (median ").append(medianMillis)
          .append(" ms; the bound is ").append(BOUND.toSeconds()).append(" s)\n")
          .append("- **invariant violations: ").append(violations.size()).append("**\n");
      violations.forEach(v -> s.append("  - ").append(v).append('\n'));
      return s.toString();
    }
  }

  static int total(Map<String, Integer> counts) {
    synchronized (counts) {
      return counts.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  private static String counts(Map<String, Integer> counts) {
    return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
  }

  // ---- a round --------------------------------------------------------------------------------

  private void round(int round, FaultCampaign.Fault fault) throws Exception {
    populate(round);
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    List<Future<?>> work = new ArrayList<>();
    long roundSeed = random.nextLong();
    for (int c = 0; c < CLIENTS; c++) {
      Random own = new Random(roundSeed + c);
      work.add(clients.submit(() -> {
        for (int i = 0; i < 4; i++) {
          operation(own);
        }
      }));
    }
    HostFaults.sleep(300 + random.nextInt(1200));
    faults.merge(fault.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), 1, Integer::sum);
    switch (fault) {
      case SERVER_KILL -> server.kill();
      case DOCKER_RESTART -> HostFaults.restartDocker();
      case ENGINE_KILL -> HostFaults.killAnEngine(TestServers.containers(PURPOSE), random);
      case ZFS_FAILURE -> hostFaults.failZfsAfter(random.nextInt(3));
      case POOL_FULL -> hostFaults.fillPool();
      default -> throw new IllegalStateException(fault.name());
    }
    clients.shutdown();
    if (!clients.awaitTermination(BOUND.toSeconds() * 8, TimeUnit.SECONDS)) {
      violations.add("round " + round + " (" + fault + "): the clients did not finish; requests hang");
      clients.shutdownNow();
    }
    for (Future<?> f : work) {
      try {
        f.get(1, TimeUnit.SECONDS);
      } catch (Exception e) {
        violations.add("round " + round + ": a client failed: " + e.getCause());
      }
    }
  }

  /**
   * Before each round, the sources and one snapshot exist again (the last round may have deleted
   * them), so that the round's operations find names to work on rather than mostly answering 404.
   */
  private void populate(int round) {
    for (String source : SOURCES) {
      try {
        client.getDatabase(source);
      } catch (StagDbApiException.NotFound gone) {
        ignoreConflicts(() -> create(source));
      }
    }
    String snapshot = SNAPSHOTS.get(round % SNAPSHOTS.size());
    try {
      client.getSnapshot(snapshot);
    } catch (StagDbApiException.NotFound gone) {
      ignoreConflicts(() -> client.createSnapshot(SOURCES.get(round % SOURCES.size()), snapshot));
    }
  }

  private static void ignoreConflicts(Runnable request) {
    try {
      request.run();
    } catch (StagDbApiException.Conflict | StagDbApiException.ServerError e) {
      // a database left failed or busy by the last fault: the round works with what there is
    }
  }

  private void operation(Random r) {
    Kind kind = Kind.values()[r.nextInt(Kind.values().length)];
    String source = pick(r, SOURCES);
    String branch = pick(r, BRANCHES);
    String snapshot = pick(r, SNAPSHOTS);
    String any = r.nextBoolean() ? source : branch;
    switch (kind) {
      case CREATE -> call(kind, () -> create(source));
      case WRITE -> write(any, r);
      case SNAPSHOT -> call(kind, () -> client.createSnapshot(any, snapshot));
      case BRANCH_FROM_DATABASE -> call(kind, () -> client.branchFromDatabase(any, new Dto.CreateBranch(branch, null, null)));
      case BRANCH_FROM_SNAPSHOT -> call(kind, () -> client.branchFromSnapshot(snapshot,
          new Dto.CreateBranch(branch, null, null, null, r.nextBoolean() ? Boolean.TRUE : null)));
      case RESET -> call(kind, () -> client.reset(branch, null));
      case RECYCLE -> call(kind, () -> client.recycle(branch));
      case RELEASE -> call(kind, () -> client.release(branch));   // kept as a standby, or deleted
      case STOP_START -> call(kind, () -> {
        client.stop(any);
        client.start(any);
      });
      case DELETE -> call(kind, () -> client.deleteDatabase(any, false));
      case DELETE_CASCADE -> call(kind, () -> client.deleteDatabase(any, true));
      case DELETE_SNAPSHOT -> call(kind, () -> client.deleteSnapshot(snapshot, false));
      case DELETE_SNAPSHOT_CASCADE -> call(kind, () -> client.deleteSnapshot(snapshot, true));
      default -> throw new IllegalStateException();
    }
  }

  private void create(String name) {
    client.createDatabase(new Dto.CreateDatabase(name, "postgresql", "15", new Dto.Config(null, null, "1g", null, null,
        List.of("CREATE TABLE chaos (id bigint PRIMARY KEY, v text NOT NULL)",
            "INSERT INTO chaos SELECT g, 'row-' || g FROM generate_series(1, 200) g"))));
  }

  private void write(String database, Random r) {
    count(operations, "write");
    long from = Math.abs(r.nextLong() % 1_000_000_000L);
    try (Connection c = connect(database); Statement s = c.createStatement()) {
      s.execute("INSERT INTO chaos SELECT g, 'row-' || g FROM generate_series(" + from + ", " + (from + 49) + ") g"
          + " ON CONFLICT DO NOTHING");
      count(answers, "write committed");
    } catch (SQLException | RuntimeException e) {
      count(answers, "write refused");
    }
  }

  /** One request: answered (any status but 500) within the bound; the answer counted. */
  private void call(Kind kind, Runnable request) {
    count(operations, kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
    long started = System.nanoTime();
    String answer;
    try {
      request.run();
      answer = "ok";
    } catch (StagDbApiException.Unreachable e) {
      answer = "no answer (server down)";
    } catch (StagDbApiException e) {
      answer = e.problem().status() + (e.problem().reason() == null ? "" : " " + e.problem().reason());
      if (e.problem().status() == 500) {
        violations.add(kind + ": 500 (a bug): " + e.getMessage() + " [errorId " + e.problem().errorId() + "]");
      }
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    latencies.add(millis);
    if (millis > BOUND.toMillis()) {
      violations.add(kind + " took " + millis + " ms, over its bound of " + BOUND.toMillis() + " ms (" + answer + ")");
    }
    count(answers, answer);
  }

  private static void count(Map<String, Integer> counts, String what) {
    counts.merge(what, 1, Integer::sum);
  }

  private static <T> T pick(Random r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }

  // ---- recovery and checks --------------------------------------------------------------------

  private void recover() throws Exception {
    hostFaults.clearZfs();
    hostFaults.releasePool();
    HostFaults.awaitDocker();
    restartServer();
    for (Dto.Database d : client.listDatabases(null, null, null, 1000, 0).items()) {
      if (d.status().equals("failed") || d.status().equals("stopped")) {
        try {
          client.start(d.name());
        } catch (StagDbApiException e) {
          violations.add("database " + d.name() + " (" + d.status() + ": " + d.statusDetail() + ") cannot be started: "
              + e.getMessage());
        }
      }
    }
  }

  private void check(String when) throws Exception {
    violations.addAll(HostAgreement.check(PURPOSE, settings.get("docker.containerPrefix"), when));
    for (Dto.Database d : client.listDatabases(null, null, null, 1000, 0).items()) {
      if (!d.status().equals("running")) {
        violations.add(when + ": " + d.name() + " is " + d.status() + " (" + d.statusDetail() + ") after recovery");
        continue;
      }
      long bad = -1;
      SQLException last = null;
      for (int attempt = 0; attempt < 60 && bad < 0; attempt++) {
        try (Connection c = connect(d.name()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM chaos WHERE v <> 'row-' || id")) {
          rs.next();
          bad = rs.getLong(1);
        } catch (SQLException e) {
          last = e;
          HostFaults.sleep(500);
        }
      }
      if (bad < 0) {
        violations.add(when + ": " + d.name() + " does not answer: " + (last == null ? "?" : last.getMessage()));
      } else if (bad > 0) {
        violations.add(when + ": " + d.name() + " holds " + bad + " corrupt rows");
      }
    }
  }

  private Connection connect(String name) throws SQLException {
    Dto.Database d = client.getDatabase(name);
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + d.connection().port() + "/postgres?connectTimeout=10",
        d.connection().username(), d.connection().password());
  }

  private void restartServer() throws Exception {
    if (server != null) {
      server.kill();
    }
    List<String> command = new ArrayList<>(List.of("java", "-jar", ServerProcess.jar().toString(), "serve"));
    command.addAll(TestServers.setArguments(settings));
    server = ServerProcess.start(command, Map.of(), Path.of("."));
    String url = server.awaitUrl(Duration.ofSeconds(120));
    if (adminKey == null) {
      adminKey = server.adminKey();
    }
    client = StagDbClient.create(URI.create(url), adminKey, BOUND.plusSeconds(60));
  }

  @Override
  public void close() throws Exception {
    try {
      hostFaults.close();
      if (server != null) {
        server.close();
      }
    } finally {
      TestServers.cleanUp(PURPOSE);
      TestHost.destroyFor(PURPOSE + "-ballast");
    }
  }

  /** {@code ConcurrentCampaign ROUNDS [SEED]}: prints the report as Markdown; exits 1 on a violation. */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime() % 1_000_000;
    TestHost.sweepDeadRuns();
    Report report;
    try (ConcurrentCampaign campaign = new ConcurrentCampaign(seed)) {
      report = campaign.run(rounds);
    }
    System.out.print(report.markdown());
    System.exit(report.violations().isEmpty() ? 0 : 1);
  }
}
