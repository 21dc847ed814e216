package io.stagdb.junit;

import io.stagdb.domain.model.ResourceRequest;
import io.stagdb.junit.StagDbBranch.Mode;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One test run's stagDB state, shared by every test class of the JVM (and by stagdb-spring's
 * contexts) and closed when the run ends: the backends, the pools (whose branches are then
 * deleted), and the session id that labels every branch.
 */
final class Session implements AutoCloseable {
  static final String SESSION_LABEL = "io.stagdb.session";
  private static final String EMBEDDED_PREFIX = "stagdb.embedded.";
  private static final Pattern NAME_PREFIX = Pattern.compile("[a-z][a-z0-9-]{0,30}");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");
  /** Settings that make two runs' sessions different; runs with the same ones (the usual case) share one. */
  private static final List<String> DISTINGUISHING = List.of("stagdb.mode", "stagdb.url", "stagdb.apiKey", "stagdb.caFile", "stagdb.pool.size",
      "stagdb.ttl", "stagdb.branchPrefix", "stagdb.source", "stagdb.required", "junit.jupiter.execution.parallel.enabled",
      "junit.jupiter.execution.parallel.config.fixed.parallelism");
  private static final Map<String, Session> SHARED = new LinkedHashMap<>();

  final String id;
  private final String fingerprint;
  private int holders;
  private final Function<String, String> settings;
  private final Properties file = platformProperties();
  private final Map<Mode, Backend> backends = new EnumMap<>(Mode.class);
  private final Map<Mode, RuntimeException> unavailable = new EnumMap<>(Mode.class);
  private final Map<String, BranchPool> pools = new ConcurrentHashMap<>();
  private final AtomicInteger names = new AtomicInteger();
  private boolean closed;

  private Session(Function<String, String> settings, String fingerprint) {
    byte[] random = new byte[4];
    new SecureRandom().nextBytes(random);
    this.id = "s" + HexFormat.of().formatHex(random);
    this.settings = settings;
    this.fingerprint = fingerprint;
  }

  /**
   * The session for these settings, held until {@link #release()}: a test run (the extension holds
   * it in the run's root store) and the Spring contexts it makes share one, and the last holder to
   * let go closes it. {@code settings} are the JUnit configuration parameters when the extension
   * asks; system properties, {@code junit-platform.properties} and the environment are read in any
   * case.
   */
  static synchronized Session hold(Function<String, String> settings) {
    Session session = shared(settings);
    session.holders++;
    return session;
  }

  /**
   * The session for these settings without holding it (for a Spring context, made during a run that
   * holds it). One made here with no run to hold it is closed when the JVM exits.
   */
  static synchronized Session shared(Function<String, String> settings) {
    Session probe = new Session(settings, "");
    String fingerprint = String.join("\u0000", DISTINGUISHING.stream().map(k -> String.valueOf(probe.setting(k, null)))
        .toList());
    Session session = SHARED.get(fingerprint);
    if (session == null || session.closed) {
      session = new Session(settings, fingerprint);
      SHARED.put(fingerprint, session);
      Session made = session;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        if (made.holders == 0) {
          made.close();
        }
      }, "stagdb-session-exit"));
    }
    return session;
  }

  /** Lets go of a {@link #hold}; the last one closes the session. */
  void release() {
    synchronized (Session.class) {
      if (--holders > 0) {
        return;
      }
      SHARED.remove(fingerprint, this);
    }
    close();
  }

  /** What the extension puts in a run's root store: the run's hold on the session, let go when the run ends. */
  @SuppressWarnings("deprecation")
  static final class Hold implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    final Session session;

    Hold(Session session) {
      this.session = session;
    }

    @Override
    public void close() {
      session.release();
    }
  }

  /**
   * A configuration value: JUnit configuration parameters, then system properties, then
   * {@code junit-platform.properties} (for callers outside JUnit, such as a Spring context), then
   * the environment ({@code stagdb.apiKey} → {@code STAGDB_API_KEY}).
   */
  String setting(String key, String fallback) {
    String value = settings.apply(key);
    if (value == null) {
      value = System.getProperty(key);
    }
    if (value == null) {
      value = file.getProperty(key);
    }
    if (value == null) {
      value = System.getenv(environmentName(key));
    }
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  /** {@code stagdb.apiKey} → {@code STAGDB_API_KEY}, {@code stagdb.pool.size} → {@code STAGDB_POOL_SIZE}. */
  static String environmentName(String key) {
    return key.replaceAll("([a-z])([A-Z])", "$1_$2").replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  boolean required() {
    return Boolean.parseBoolean(setting("stagdb.required", "false"));
  }

  Mode mode(StagDbBranch annotation) {
    if (annotation.mode() != Mode.DEFAULT) {
      return annotation.mode();
    }
    return setting("stagdb.mode", "remote").toLowerCase(Locale.ROOT).equals("embedded") ? Mode.EMBEDDED : Mode.REMOTE;
  }

  /**
   * The source an annotation names: its {@code source}, with {@code ${key}} replaced by that
   * setting; when empty, the setting {@code stagdb.source}.
   */
  String source(StagDbBranch annotation) {
    String source = annotation.source().isBlank() ? setting("stagdb.source", null) : annotation.source().trim();
    if (source == null) {
      throw new IllegalArgumentException("@StagDbBranch names no source, and no stagdb.source is set"
          + " (junit-platform.properties, -Dstagdb.source or STAGDB_SOURCE)");
    }
    Matcher m = PLACEHOLDER.matcher(source);
    StringBuilder resolved = new StringBuilder();
    while (m.find()) {
      String value = setting(m.group(1), null);
      if (value == null) {
        throw new IllegalArgumentException("@StagDbBranch source '" + source + "' needs the setting " + m.group(1)
            + ", which is not set");
      }
      m.appendReplacement(resolved, Matcher.quoteReplacement(value));
    }
    m.appendTail(resolved);
    return resolved.toString();
  }

  /** The backend of {@code mode}, connected and checked once; throws with the reason when unusable. */
  synchronized Backend backend(Mode mode) {
    if (unavailable.containsKey(mode)) {
      throw unavailable.get(mode);
    }
    Backend backend = backends.get(mode);
    if (backend != null) {
      return backend;
    }
    try {
      backend = mode == Mode.EMBEDDED ? embedded() : remote();
      backend.check();
      backends.put(mode, backend);
      return backend;
    } catch (RuntimeException e) {
      if (backend != null) {
        backend.close();
      }
      RuntimeException reason = e instanceof RemoteBackend.BadKey || e instanceof Misconfigured ? e
          : new IllegalStateException("stagDB is unreachable (" + describe(mode) + "): " + e.getMessage(), e);
      unavailable.put(mode, reason);
      throw reason;
    }
  }

  /** Set up wrongly (rather than absent): fails the tests whatever {@code stagdb.required} says. */
  static final class Misconfigured extends IllegalStateException {
    Misconfigured(String message) {
      super(message);
    }
  }

  private Backend remote() {
    String url = setting("stagdb.url", null);
    if (url == null) {
      throw new IllegalStateException("no stagdb.url is set (junit-platform.properties, -Dstagdb.url or STAGDB_URL)");
    }
    String caFile = setting("stagdb.caFile", null);
    return new RemoteBackend(url, setting("stagdb.apiKey", null), caFile == null ? null : java.nio.file.Path.of(caFile));
  }

  private Backend embedded() {
    String missing = EmbeddedBackend.unavailableBecause();
    if (missing != null) {
      throw new Misconfigured(missing);
    }
    return new EmbeddedBackend(embeddedConfig());
  }

  private String describe(Mode mode) {
    return mode == Mode.EMBEDDED ? "embedded mode" : "remote mode, " + setting("stagdb.url", "no stagdb.url");
  }

  /** {@code stagdb.embedded.*} from junit-platform.properties and system properties (which win). */
  private Map<String, String> embeddedConfig() {
    Map<String, String> config = new LinkedHashMap<>();
    for (Properties source : List.of(file, System.getProperties())) {
      source.stringPropertyNames().stream().filter(k -> k.startsWith(EMBEDDED_PREFIX))
          .forEach(k -> config.put(k.substring(EMBEDDED_PREFIX.length()), source.getProperty(k)));
    }
    return config;
  }

  private static Properties platformProperties() {
    Properties file = new Properties();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    try (InputStream in = (loader == null ? Session.class.getClassLoader() : loader)
        .getResourceAsStream("junit-platform.properties")) {
      if (in != null) {
        file.load(in);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read junit-platform.properties", e);
    }
    return file;
  }

  /** The pool for an annotation's source, resources and migrations; made on first use. */
  BranchPool pool(StagDbBranch annotation) {
    Mode mode = mode(annotation);
    String named = source(annotation);
    String key = mode + "|" + named + "|" + String.join(",", annotation.migrations()) + "|"
        + annotation.memory() + "|" + annotation.cpu() + "|" + annotation.storage();
    return pools.computeIfAbsent(key, k -> {
      Backend backend = backend(mode);
      boolean snapshot = backend.snapshotExists(named);
      if (!snapshot && !backend.databaseExists(named)) {
        throw new IllegalStateException("@StagDbBranch source '" + named + "' is neither a database nor a "
            + "snapshot on " + backend.describe());
      }
      String source = named;
      if (annotation.migrations().length > 0) {
        source = Migrations.prepare(backend, source, snapshot, annotation.migrations());
        snapshot = true;
      }
      ResourceRequest resources = new ResourceRequest(blankToNull(annotation.memory()), blankToNull(annotation.cpu()),
          blankToNull(annotation.storage()));
      int size = poolSize();
      return new BranchPool(backend, source, snapshot, resources, ttl(), Map.of(SESSION_LABEL, id), this::newName,
          size, poolMax(size));
    });
  }

  /**
   * Branches a pool starts with: {@code stagdb.pool.size}, or two per test that may run at once
   * (JUnit's configured parallelism) and one more: as a test ends, the branch it gave back is
   * recycled while the next test takes another (tests running side by side tend to end together).
   * It grows while tests wait, up to {@code stagdb.pool.max} (default four per test that may run at
   * once).
   */
  int poolSize() {
    String configured = setting("stagdb.pool.size", null);
    return configured != null ? Integer.parseInt(configured) : Math.min(16, 2 * parallelism() + 1);
  }

  int poolMax(int size) {
    return Integer.parseInt(setting("stagdb.pool.max", Integer.toString(Math.max(size, 4 * parallelism()))));
  }

  /** How many tests JUnit may run at once, from its configuration. */
  private int parallelism() {
    if (!Boolean.parseBoolean(setting("junit.jupiter.execution.parallel.enabled", "false"))) {
      return 1;
    }
    String strategy = setting("junit.jupiter.execution.parallel.config.strategy", "dynamic");
    if (strategy.equals("fixed")) {
      return Integer.parseInt(setting("junit.jupiter.execution.parallel.config.fixed.parallelism", "1"));
    }
    double factor = Double.parseDouble(setting("junit.jupiter.execution.parallel.config.dynamic.factor", "1"));
    return (int) Math.max(1, Math.round(factor * Runtime.getRuntime().availableProcessors()));
  }

  /** Branch names: {@code <prefix>-<session>-<n>}, the prefix {@code stagdb.branchPrefix} (default {@code jt}). */
  String newName() {
    String prefix = setting("stagdb.branchPrefix", "jt");
    if (!NAME_PREFIX.matcher(prefix).matches()) {
      throw new Misconfigured("stagdb.branchPrefix must be lowercase letters, digits and '-', starting with a letter,"
          + " at most 31 characters (got '" + prefix + "')");
    }
    return prefix + "-" + id + "-" + names.incrementAndGet();
  }

  private Duration ttl() {
    return io.stagdb.domain.model.Quantities.parseDuration("stagdb.ttl", setting("stagdb.ttl", "2h"));
  }

  private static String blankToNull(String value) {
    return value.isBlank() ? null : value;
  }

  /** One line a pool: how fast tests got their branches and how the pool kept up. */
  List<String> summary() {
    List<String> lines = new ArrayList<>();
    for (BranchPool pool : pools.values()) {
      BranchPool.Stats s = pool.stats;
      if (s.takeMicros.isEmpty()) {
        continue;
      }
      lines.add(String.format(Locale.ROOT, "stagDB: %d branches of %s handed out in p50 %s / p95 %s / max %s; "
              + "%d recycled in place (p50 %s), %d created, %d replaced; %d in the pool at the end",
          s.takeMicros.size(), pool.source(), millis(s.takeMicros, 50), millis(s.takeMicros, 95),
          millis(s.takeMicros, 100), s.recycleMicros.size(), millis(s.recycleMicros, 50), s.created.get(),
          s.replaced.get(), pool.size()));
    }
    return lines;
  }

  private static String millis(List<Long> micros, int percentile) {
    List<Long> sorted;
    synchronized (micros) {
      sorted = new ArrayList<>(micros);
    }
    if (sorted.isEmpty()) {
      return "-";
    }
    sorted.sort(null);
    int index = Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1);
    return String.format(Locale.ROOT, "%.1f ms", sorted.get(Math.max(0, index)) / 1000.0);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    pools.values().forEach(BranchPool::close);
    summary().forEach(System.out::println);
    backends.values().forEach(Backend::close);
  }
}
