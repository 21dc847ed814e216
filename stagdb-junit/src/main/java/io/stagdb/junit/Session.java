package io.stagdb.junit;

import io.stagdb.domain.model.ResourceRequest;
import io.stagdb.junit.StagDbBranch.Mode;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Duration;
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
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One test run's stagDB state, shared by every test class of the JVM through the root store and
 * closed when the run ends: the backends, the warm pools (whose waiting branches are then deleted),
 * and the session id that labels every branch.
 */
final class Session implements ExtensionContext.Store.CloseableResource {
  static final String SESSION_LABEL = "io.stagdb.session";
  private static final String EMBEDDED_PREFIX = "stagdb.embedded.";

  final String id;
  private final Function<String, String> settings;
  private final Map<Mode, Backend> backends = new EnumMap<>(Mode.class);
  private final Map<Mode, RuntimeException> unavailable = new EnumMap<>(Mode.class);
  private final Map<String, BranchPool> pools = new ConcurrentHashMap<>();
  private final AtomicInteger names = new AtomicInteger();

  Session(Function<String, String> settings) {
    byte[] random = new byte[4];
    new SecureRandom().nextBytes(random);
    this.id = "s" + HexFormat.of().formatHex(random);
    this.settings = settings;
  }

  /**
   * A configuration value: JUnit configuration parameters (the launcher's, system properties,
   * junit-platform.properties), then system properties directly (launchers that pass only their
   * own parameters), then the environment.
   */
  String setting(String key, String fallback) {
    String value = settings.apply(key);
    if (value == null) {
      value = System.getProperty(key);
    }
    if (value == null) {
      value = switch (key) {
        case "stagdb.url" -> System.getenv("STAGDB_URL");
        case "stagdb.apiKey" -> System.getenv("STAGDB_API_KEY");
        default -> null;
      };
    }
    return value == null || value.isBlank() ? fallback : value.trim();
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
      backend = mode == Mode.EMBEDDED ? new Backend.Embedded(embeddedConfig()) : remote();
      backend.check();
      backends.put(mode, backend);
      return backend;
    } catch (RuntimeException e) {
      if (backend != null) {
        backend.close();
      }
      IllegalStateException reason = new IllegalStateException("stagDB is unreachable (" + describe(mode) + "): "
          + e.getMessage(), e);
      unavailable.put(mode, reason);
      throw reason;
    }
  }

  private Backend remote() {
    String url = setting("stagdb.url", null);
    if (url == null) {
      throw new IllegalStateException("no stagdb.url is set (junit-platform.properties, -Dstagdb.url or STAGDB_URL)");
    }
    return new Backend.Remote(url, setting("stagdb.apiKey", null));
  }

  private String describe(Mode mode) {
    return mode == Mode.EMBEDDED ? "embedded mode" : "remote mode, " + setting("stagdb.url", "no stagdb.url");
  }

  /** {@code stagdb.embedded.*} from junit-platform.properties and system properties (which win). */
  private static Map<String, String> embeddedConfig() {
    Map<String, String> config = new LinkedHashMap<>();
    Properties file = new Properties();
    try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream("junit-platform.properties")) {
      if (in != null) {
        file.load(in);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read junit-platform.properties", e);
    }
    for (Properties source : List.of(file, System.getProperties())) {
      source.stringPropertyNames().stream().filter(k -> k.startsWith(EMBEDDED_PREFIX))
          .forEach(k -> config.put(k.substring(EMBEDDED_PREFIX.length()), source.getProperty(k)));
    }
    return config;
  }

  /** The warm pool for an annotation's source, resources and migrations; made on first use. */
  BranchPool pool(StagDbBranch annotation) {
    Mode mode = mode(annotation);
    String key = mode + "|" + annotation.source() + "|" + String.join(",", annotation.migrations()) + "|"
        + annotation.memory() + "|" + annotation.cpu() + "|" + annotation.storage();
    return pools.computeIfAbsent(key, k -> {
      Backend backend = backend(mode);
      boolean snapshot = backend.snapshotExists(annotation.source());
      if (!snapshot && !backend.databaseExists(annotation.source())) {
        throw new IllegalStateException("@StagDbBranch source '" + annotation.source() + "' is neither a database nor a "
            + "snapshot on " + backend.describe());
      }
      String source = annotation.source();
      if (annotation.migrations().length > 0) {
        source = Migrations.prepare(backend, source, snapshot, annotation.migrations());
        snapshot = true;
      }
      ResourceRequest resources = new ResourceRequest(blankToNull(annotation.memory()), blankToNull(annotation.cpu()),
          blankToNull(annotation.storage()));
      return new BranchPool(backend, source, snapshot, resources, ttl(), Map.of(SESSION_LABEL, id), this::newName,
          Integer.parseInt(setting("stagdb.pool.size", "2")));
    });
  }

  /** Branch names: {@code jt-<session>-<n>}. */
  String newName() {
    return "jt-" + id + "-" + names.incrementAndGet();
  }

  private Duration ttl() {
    return io.stagdb.domain.model.Quantities.parseDuration("stagdb.ttl", setting("stagdb.ttl", "2h"));
  }

  private static String blankToNull(String value) {
    return value.isBlank() ? null : value;
  }

  @Override
  public void close() {
    pools.values().forEach(BranchPool::close);
    synchronized (this) {
      backends.values().forEach(Backend::close);
    }
  }
}
