package io.stagdb.server;

import io.stagdb.domain.testkit.TestHost;
import io.stagdb.api.Dto;
import io.stagdb.client.StagDbApiException;
import io.stagdb.client.StagDbClient;
import io.stagdb.server.catalog.SqliteCatalog;
import io.stagdb.server.catalog.SqliteDatabase;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The fault campaign: seeded random create / write / snapshot / branch / reset / delete against a
 * real server process on the real host, with one fault per round, in turn: SIGKILL of the server
 * mid-operation, a Docker engine restart, a killed database engine process, a failing zfs call
 * (the server runs zfs through a wrapper that fails on demand), a full pool.
 *
 * <p>After each round the faults are cleared, the server is SIGKILLed and restarted (start-up
 * reconciliation), databases the faults left failed are started, and the invariants are checked:
 * <ul>
 *   <li>every acknowledged operation is durable, and an operation that answered with an error left
 *       nothing behind; an interrupted one is either complete or absent, never half-done;</li>
 *   <li>the rows committed in every database are there, checked row by row against a model
 *       (branches and resets against the snapshot they come from);</li>
 *   <li>catalog, ZFS filesystems, ZFS snapshots, mount directories and containers agree one to one;</li>
 *   <li>ports are distinct and Docker publishes exactly the catalogued ones.</li>
 * </ul>
 * Violations are collected, not thrown, so one run reports them all.
 */
public final class FaultCampaign implements AutoCloseable {
  enum Fault { SERVER_KILL, DOCKER_RESTART, ENGINE_KILL, ZFS_FAILURE, POOL_FULL }

  enum Kind { CREATE, WRITE, SNAPSHOT, BRANCH_FROM_SNAPSHOT, BRANCH_FROM_DATABASE, RESET, DELETE }

  /** How an operation ended as the client saw it. */
  enum Outcome { ACKNOWLEDGED, REFUSED, INTERRUPTED }

  private static final String PURPOSE = "chaos";
  private static final int MAX_DATABASES = 6;
  private static final int INITIAL_ROWS = 200;
  private static final int ROWS_PER_WRITE = 100;

  /** A database's rows as a multiset hash: adding rows adds their hashes, so expectations compose. */
  record Content(int rows, long hash) {
    static Content ofIds(long from, long to) {
      Content c = new Content(0, 0);
      for (long id = from; id <= to; id++) {
        c = c.plus(id);
      }
      return c;
    }

    Content plus(long id) {
      return new Content(rows + 1, hash + mix(id));
    }

    static long mix(long id) {   // splitmix64's finaliser
      long z = id + 0x9E3779B97F4A7C15L;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }
  }

  /** The model of one database: what it must contain, and what a reset brings back. */
  record Db(String name, Content content, String origin, String originDb, Content originContent) {
    Db with(Content c) {
      return new Db(name, c, origin, originDb, originContent);
    }
  }

  record Snap(String database, Content content) {
  }

  /** An operation whose effect is not known for sure: resolved against what the server shows after recovery. */
  private record Pending(Kind kind, Outcome outcome, String target, Content alternative, List<String> related) {
  }

  private final Random random;
  private final long seed;
  private final Map<String, String> settings;
  private final HostFaults hostFaults;
  private final Map<String, Db> dbs = new TreeMap<>();
  private final Map<String, Snap> snaps = new TreeMap<>();
  private final List<Pending> pending = new ArrayList<>();
  private final Set<String> tainted = new HashSet<>();
  private final Map<String, Integer> operations = new TreeMap<>();
  private final Map<String, Integer> faults = new TreeMap<>();
  private final Map<String, Integer> outcomes = new TreeMap<>();
  private final Map<String, Integer> recoveries = new TreeMap<>();
  private final List<String> violations = new ArrayList<>();
  private ServerProcess server;
  private StagDbClient client;
  private String adminKey;
  private int names;
  private long nextRowId = 1_000_000;
  private int rounds;
  private boolean serverDown;

  public FaultCampaign(long seed) throws IOException {
    this.seed = seed;
    this.random = new Random(seed);
    hostFaults = new HostFaults(TestHost.mountDirFor(PURPOSE), TestHost.datasetFor(PURPOSE + "-ballast"));
    settings = TestServers.settings(PURPOSE, TestServers.freePort());
    settings.put("zfs.mode", "cli");
    settings.put("zfs.command", hostFaults.zfsCommand());
    settings.put("resources.default.memory", "256m");
  }

  /** Runs {@code rounds} rounds; returns the report (also printed as it goes). */
  public Report run(int roundCount) throws Exception {
    long started = System.nanoTime();
    restartServer();
    create();   // two sources before any fault
    create();
    for (int round = 1; round <= roundCount; round++) {
      Fault fault = Fault.values()[(round - 1) % Fault.values().length];
      round(round, fault);
      recover();
      check("round " + round + " (" + fault + ")");
      rounds++;
      log("round %d (%s): %d databases, %d snapshots, %d violations so far", round, fault, dbs.size(), snaps.size(),
          violations.size());
    }
    return new Report(seed, rounds, operations, outcomes, faults, recoveries, List.copyOf(violations),
        Duration.ofNanos(System.nanoTime() - started));
  }

  public record Report(long seed, int rounds, Map<String, Integer> operations, Map<String, Integer> outcomes,
                       Map<String, Integer> faults,
                       Map<String, Integer> recoveries, List<String> violations, Duration took) {
    public int total(Map<String, Integer> counts) {
      return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Markdown, for docs/reliability.md. */
    public String markdown() {
      StringBuilder s = new StringBuilder();
      s.append("- seed: ").append(seed).append(" (re-run: `scripts/chaos ").append(rounds).append(' ').append(seed)
          .append("`)\n- rounds: ").append(rounds).append(", time: ").append(took.toSeconds()).append(" s\n")
          .append("- operations: ").append(total(operations)).append(" — ").append(counts(operations)).append('\n')
          .append("- as the client saw them: ").append(counts(outcomes))
          .append(" (refused: an error answer, so it must have left nothing; interrupted: no answer, so all or nothing)\n")
          .append("- faults injected: ").append(total(faults)).append(" — ").append(counts(faults)).append('\n')
          .append("- recovery actions after the faults: ").append(total(recoveries)).append(" — ")
          .append(counts(recoveries)).append('\n')
          .append("- **invariant violations: ").append(violations.size()).append("**\n");
      violations.forEach(v -> s.append("  - ").append(v).append('\n'));
      return s.toString();
    }

    private static String counts(Map<String, Integer> counts) {
      return counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
  }

  // ---- a round --------------------------------------------------------------------------------

  private void round(int round, Fault fault) throws Exception {
    int count = 4 + random.nextInt(3);
    int faultAt = random.nextInt(count);
    for (int i = 0; i < count && !serverDown; i++) {
      if (i != faultAt) {
        operation();
        continue;
      }
      count(faults, label(fault));
      switch (fault) {
        case SERVER_KILL -> during(() -> {
          sleep(random.nextInt(1500));
          server.kill();
          serverDown = true;
        });
        case DOCKER_RESTART -> during(() -> {
          sleep(random.nextInt(800));
          HostFaults.restartDocker();
        });
        case ENGINE_KILL -> during(() -> {
          sleep(random.nextInt(600));
          HostFaults.killAnEngine(TestServers.containers(PURPOSE), random);
        });
        case ZFS_FAILURE -> {
          hostFaults.failZfsAfter(random.nextInt(3));
          storageOperation();
          storageOperation();
          if (hostFaults.zfsFailurePending()) {   // the failing call was not reached
            hostFaults.clearZfs();
            uncount(faults, fault);
          }
        }
        case POOL_FULL -> {
          hostFaults.fillPool();
          try {
            storageOperation();
            operation();
            storageOperation();
          } finally {
            hostFaults.releasePool();
          }
        }
        default -> throw new IllegalStateException(fault.name());
      }
    }
  }

  /** Runs one random operation while {@code fault} strikes from another thread. */
  private void during(ThrowingRunnable fault) throws Exception {
    CompletableFuture<Void> op = CompletableFuture.runAsync(this::operation);
    fault.run();
    op.get(5, TimeUnit.MINUTES);
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  private void operation() {
    operation(false);
  }

  /** An operation that changes storage: anything but a write. */
  private void storageOperation() {
    operation(true);
  }

  /** Picks an operation the model allows and runs it. */
  private void operation(boolean storageOnly) {
    List<String> usable = dbs.keySet().stream().filter(n -> !tainted.contains(n)).toList();
    List<String> branches = usable.stream().filter(n -> dbs.get(n).origin() != null).toList();
    List<String> snapshots = snaps.keySet().stream().filter(n -> !tainted.contains(snaps.get(n).database())).toList();
    boolean room = dbs.size() + pendingCreations() < MAX_DATABASES;
    List<Kind> kinds = new ArrayList<>();
    if (room) {
      kinds.add(Kind.CREATE);
    }
    if (!usable.isEmpty()) {
      kinds.addAll(storageOnly ? List.of(Kind.SNAPSHOT) : List.of(Kind.WRITE, Kind.WRITE, Kind.SNAPSHOT));
      if (room) {
        kinds.add(Kind.BRANCH_FROM_DATABASE);
      }
      if (!room || dbs.size() > MAX_DATABASES / 2) {
        kinds.add(Kind.DELETE);
      }
    }
    if (room && !snapshots.isEmpty()) {
      kinds.add(Kind.BRANCH_FROM_SNAPSHOT);
    }
    if (!branches.isEmpty()) {
      kinds.add(Kind.RESET);
    }
    if (kinds.isEmpty()) {
      return;
    }
    switch (kinds.get(random.nextInt(kinds.size()))) {
      case CREATE -> create();
      case WRITE -> write(pick(usable));
      case SNAPSHOT -> snapshot(pick(usable));
      case BRANCH_FROM_DATABASE -> branchFromDatabase(pick(usable));
      case BRANCH_FROM_SNAPSHOT -> branchFromSnapshot(pick(snapshots));
      case RESET -> reset(pick(branches));
      case DELETE -> delete(pick(usable));
      default -> throw new IllegalStateException();
    }
  }

  private long pendingCreations() {
    return pending.stream().filter(p -> p.kind() == Kind.CREATE || p.kind().name().startsWith("BRANCH")).count();
  }

  private <T> T pick(List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  // ---- operations -----------------------------------------------------------------------------

  private synchronized String newName(String prefix) {
    return prefix + (++names);
  }

  private void create() {
    String name = newName("c");
    Outcome o = api(Kind.CREATE, () -> client.createDatabase(new Dto.CreateDatabase(name, "postgresql", "15",
        new Dto.Config(null, null, "1g", null, null, List.of(
            "CREATE TABLE chaos (id bigint PRIMARY KEY, v text NOT NULL)",
            "INSERT INTO chaos SELECT g, 'row-' || g FROM generate_series(1, " + INITIAL_ROWS + ") g")))));
    Content initial = Content.ofIds(1, INITIAL_ROWS);
    settle(Kind.CREATE, o, name, () -> dbs.put(name, new Db(name, initial, null, null, null)), initial, List.of());
  }

  private void write(String name) {
    Db db = dbs.get(name);
    long from;
    synchronized (this) {
      from = nextRowId;
      nextRowId += ROWS_PER_WRITE;
    }
    Content after = db.content();
    for (long id = from; id < from + ROWS_PER_WRITE; id++) {
      after = after.plus(id);
    }
    Outcome o;
    try (Connection c = connect(name); PreparedStatement insert = c.prepareStatement("INSERT INTO chaos VALUES (?, ?)")) {
      c.setAutoCommit(false);
      for (long id = from; id < from + ROWS_PER_WRITE; id++) {
        insert.setLong(1, id);
        insert.setString(2, "row-" + id);
        insert.addBatch();
      }
      insert.executeBatch();
      try {
        c.commit();
        o = Outcome.ACKNOWLEDGED;
      } catch (SQLException e) {
        o = Outcome.INTERRUPTED;   // the commit may or may not have landed
      }
    } catch (SQLException | RuntimeException e) {
      o = Outcome.REFUSED;   // nothing committed
    }
    count(operations, "write");
    Content expected = after;
    settle(Kind.WRITE, o, name, () -> dbs.put(name, db.with(expected)), expected, List.of());
  }

  private void snapshot(String database) {
    String name = newName("s");
    Content content = dbs.get(database).content();
    Outcome o = api(Kind.SNAPSHOT, () -> client.createSnapshot(database, name));
    settle(Kind.SNAPSHOT, o, name, () -> snaps.put(name, new Snap(database, content)), content, List.of(database));
  }

  private void branchFromSnapshot(String snapshot) {
    String name = newName("b");
    Snap s = snaps.get(snapshot);
    Outcome o = api(Kind.BRANCH_FROM_SNAPSHOT, () -> client.branchFromSnapshot(snapshot, new Dto.CreateBranch(name, null, null)));
    settle(Kind.BRANCH_FROM_SNAPSHOT, o, name, () -> dbs.put(name, new Db(name, s.content(), snapshot, s.database(), s.content())),
        s.content(), List.of(s.database()));
  }

  private void branchFromDatabase(String database) {
    String name = newName("b");
    Content content = dbs.get(database).content();
    Dto.Database[] made = new Dto.Database[1];
    Outcome o = api(Kind.BRANCH_FROM_DATABASE, () -> made[0] = client.branchFromDatabase(database,
        new Dto.CreateBranch(name, null, null)));
    settle(Kind.BRANCH_FROM_DATABASE, o, name, () -> dbs.put(name, new Db(name, content, made[0].origin(), database, content)),
        content, List.of(database));
  }

  private void reset(String branch) {
    Db db = dbs.get(branch);
    Outcome o = api(Kind.RESET, () -> client.reset(branch, null));
    settle(Kind.RESET, o, branch, () -> dbs.put(branch, db.with(db.originContent())), db.originContent(), List.of());
  }

  private void delete(String database) {
    List<String> cascade = cascadeOf(database);
    Outcome o = api(Kind.DELETE, () -> client.deleteDatabase(database, true));
    settle(Kind.DELETE, o, database, () -> cascade.forEach(this::forget), null, cascade);
  }

  /** The database and every branch that depends on it, transitively, dependents first. */
  private List<String> cascadeOf(String database) {
    List<String> order = new ArrayList<>();
    for (Db d : dbs.values()) {
      if (database.equals(d.originDb())) {
        cascadeOf(d.name()).stream().filter(n -> !order.contains(n)).forEach(order::add);
      }
    }
    order.add(database);
    return order;
  }

  private synchronized void forget(String database) {
    dbs.remove(database);
    snaps.values().removeIf(s -> s.database().equals(database));
  }

  private Outcome api(Kind kind, Runnable call) {
    count(operations, label(kind));
    try {
      call.run();
      return Outcome.ACKNOWLEDGED;
    } catch (StagDbApiException.Unreachable e) {
      return Outcome.INTERRUPTED;
    } catch (StagDbApiException e) {
      return Outcome.REFUSED;
    }
  }

  /**
   * Applies an acknowledged operation to the model; remembers any other for resolution after
   * recovery, and keeps its names out of later operations of the round.
   */
  private synchronized void settle(Kind kind, Outcome outcome, String target, Runnable apply, Content alternative,
                                   List<String> involved) {
    count(outcomes, label(outcome));
    if (outcome == Outcome.ACKNOWLEDGED) {
      apply.run();
      return;
    }
    pending.add(new Pending(kind, outcome, target, alternative, involved));
    tainted.add(target);
    tainted.addAll(involved);   // a source whose snapshots may have changed, or a cascade
  }

  // ---- recovery and checks --------------------------------------------------------------------

  private void recover() throws Exception {
    hostFaults.clearZfs();
    hostFaults.releasePool();
    HostFaults.awaitDocker();
    restartServer();
    long reconciled = server.output().lines().filter(l -> l.contains("reconcile:")).count();
    if (reconciled > 0) {
      recoveries.merge("reconciliation actions at start-up", (int) reconciled, Integer::sum);
    }
    for (Dto.Database d : client.listDatabases(null, null, null, 1000, 0).items()) {
      if (d.status().equals("failed") || d.status().equals("stopped")) {
        count(recoveries, "start of a " + d.status() + " database");
        try {
          client.start(d.name());
        } catch (StagDbApiException e) {
          violations.add("database " + d.name() + " (" + d.status() + ": " + d.statusDetail() + ") cannot be started: "
              + e.getMessage());
        }
      }
    }
    resolvePending();
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
    client = StagDbClient.create(URI.create(url), adminKey, Duration.ofSeconds(180));
    serverDown = false;
  }

  /** Decides, from what the server shows, whether each uncertain operation happened, and whether it was allowed to. */
  private void resolvePending() {
    Map<String, Dto.Database> live = new LinkedHashMap<>();
    client.listDatabases(null, null, null, 1000, 0).items().forEach(d -> live.put(d.name(), d));
    Set<String> liveSnapshots = client.allSnapshots().stream().map(Dto.Snapshot::name).collect(Collectors.toSet());
    for (Pending p : pending) {
      String what = label(p.kind()) + " " + p.target() + " (" + p.outcome() + ")";
      boolean mayHaveHappened = p.outcome() == Outcome.INTERRUPTED || p.kind() == Kind.DELETE;
      boolean happened;
      switch (p.kind()) {
        case CREATE, BRANCH_FROM_SNAPSHOT, BRANCH_FROM_DATABASE -> {
          happened = live.containsKey(p.target());
          if (happened) {
            String originDb = p.kind() == Kind.CREATE ? null : p.related().get(0);
            dbs.put(p.target(), new Db(p.target(), p.alternative(), live.get(p.target()).origin(), originDb,
                p.kind() == Kind.CREATE ? null : p.alternative()));
          }
        }
        case SNAPSHOT -> {
          happened = liveSnapshots.contains(p.target());
          if (happened) {
            snaps.put(p.target(), new Snap(p.related().get(0), p.alternative()));
          }
        }
        case WRITE, RESET -> {
          Db db = dbs.get(p.target());
          if (db == null) {
            continue;   // deleted later in the round, acknowledged
          }
          if (!live.containsKey(p.target())) {
            violations.add(what + ": the database is gone");
            continue;
          }
          Content now = contentOf(p.target());
          happened = now.equals(p.alternative()) && !now.equals(db.content());
          if (!now.equals(db.content()) && !now.equals(p.alternative())) {
            violations.add(what + ": neither the old nor the new content (" + now.rows() + " rows)");
            continue;
          }
          dbs.put(p.target(), db.with(now));
        }
        case DELETE -> {
          happened = !live.containsKey(p.target());
          for (String name : p.related()) {
            if (!live.containsKey(name)) {
              forget(name);
            } else if (happened) {
              violations.add(what + ": the database is gone but its dependent " + name + " is not");
            }
          }
        }
        default -> throw new IllegalStateException();
      }
      if (happened && !mayHaveHappened) {
        violations.add(what + ": answered with an error but took effect");
      }
      if (happened) {
        count(recoveries, "interrupted or refused operation found complete");
      }
    }
    pending.clear();
    tainted.clear();
  }

  /** Every invariant, on the server as it is now; violations are recorded with {@code when}. */
  private void check(String when) throws Exception {
    List<Dto.Database> live = client.listDatabases(null, null, null, 1000, 0).items();
    Set<String> liveNames = live.stream().map(Dto.Database::name).collect(Collectors.toCollection(TreeSet::new));
    expectEqual(when, "databases", dbs.keySet(), liveNames);
    List<Dto.Snapshot> allSnapshots = client.allSnapshots();
    Set<String> userSnapshots = allSnapshots.stream().filter(s -> !s.automatic()).map(Dto.Snapshot::name)
        .collect(Collectors.toCollection(TreeSet::new));
    expectEqual(when, "named snapshots", snaps.keySet(), userSnapshots);

    for (Dto.Database d : live) {
      if (!d.status().equals("running")) {
        violations.add(when + ": " + d.name() + " is " + d.status() + " (" + d.statusDetail() + ") after recovery");
        continue;
      }
      Db model = dbs.get(d.name());
      if (model != null) {
        Content actual = contentOf(d.name());
        if (!model.content().equals(actual)) {
          violations.add(when + ": " + d.name() + " holds " + actual + ", committed: " + model.content());
        }
      }
    }

    violations.addAll(HostAgreement.check(PURPOSE, settings.get("docker.containerPrefix"), when));
    int catalogued = TestHost.exec(List.of("zfs", "list", "-H", "-o", "name", "-t", "snapshot", "-r",
        TestHost.datasetFor(PURPOSE))).lines().stream().filter(n -> !n.endsWith("@recycle-point")).toList().size();
    if (catalogued != allSnapshots.size()) {
      violations.add(when + ": the API lists " + allSnapshots.size() + " snapshots, ZFS holds " + catalogued);
    }
  }

  private <T> void expectEqual(String when, String what, Set<T> expected, Set<T> actual) {
    HostAgreement.expectEqual(violations, when, what, expected, actual);
  }

  /** Reads every row, checks each is intact, and returns the multiset hash; waits for the engine to accept logins. */
  private Content contentOf(String name) {
    SQLException last = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      try (Connection c = connect(name); Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT id, v FROM chaos")) {
        Content content = new Content(0, 0);
        while (rs.next()) {
          long id = rs.getLong(1);
          if (!rs.getString(2).equals("row-" + id)) {
            violations.add(name + ": row " + id + " is corrupt: " + rs.getString(2));
          }
          content = content.plus(id);
        }
        return content;
      } catch (SQLException e) {
        last = e;
        sleep(500);
      }
    }
    violations.add(name + ": does not answer: " + (last == null ? "?" : last.getMessage()));
    return new Content(-1, 0);
  }

  private Connection connect(String name) throws SQLException {
    Dto.Database d = client.getDatabase(name);
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + d.connection().port() + "/postgres?connectTimeout=10",
        d.connection().username(), d.connection().password());
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private static synchronized void count(Map<String, Integer> counts, String what) {
    counts.merge(what, 1, Integer::sum);
  }

  private static synchronized void uncount(Map<String, Integer> counts, Fault fault) {
    counts.computeIfPresent(label(fault), (k, n) -> n > 1 ? n - 1 : null);
  }

  private static String label(Enum<?> e) {
    return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void log(String format, Object... args) {
    System.err.printf("[chaos] " + format + "%n", args);
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

  /** {@code FaultCampaign ROUNDS [SEED]}: prints the report as Markdown; exits 1 on a violation. */
  public static void main(String[] args) throws Exception {
    int roundCount = args.length > 0 ? Integer.parseInt(args[0]) : 25;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime() % 1_000_000;
    TestHost.sweepDeadRuns();
    Report report;
    try (FaultCampaign campaign = new FaultCampaign(seed)) {
      report = campaign.run(roundCount);
    }
    System.out.print(report.markdown());
    System.exit(report.violations().isEmpty() ? 0 : 1);
  }
}
