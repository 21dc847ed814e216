package io.stagdb.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.PortRange;
import io.stagdb.domain.model.Quantities;
import io.stagdb.domain.model.ResourcePolicy;
import io.stagdb.domain.model.Resources;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the configuration: built-in defaults, then a YAML file (nested keys, e.g.
 * {@code api: {port: 8080}}), then {@code STAGDB_*} environment variables ({@code STAGDB_API_PORT},
 * {@code STAGDB_IMAGES_POSTGRESQL_15}), then command-line {@code --set key=value}. Every key is
 * listed in {@link #KEYS} with its default and meaning; an unknown key or a bad value stops start-up
 * with a message naming the key and what is allowed.
 */
public final class ConfigLoader {
  private static final Pattern DATASET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]*(/[A-Za-z0-9][A-Za-z0-9_.:-]*)+");

  /** A configuration key: its default (may depend on other keys) and what it means. */
  public record Key(String name, Function<Map<String, String>, String> defaultValue, String meaning) {
  }

  /** Every fixed key, in documentation order; plus {@code images.<engine>.<version>} and {@code docker.labels.<name>}. */
  public static final List<Key> KEYS = List.of(
      key("api.host", "0.0.0.0", "address the REST API listens on"),
      key("api.port", "8080", "port of the REST API"),
      key("api.tls.certificate", "", "PEM certificate (its chain after it) to serve HTTPS with; read again when it changes (empty: plain HTTP)"),
      key("api.tls.privateKey", "", "PEM private key of api.tls.certificate (PKCS#8, RSA or EC), readable by stagDB only"),
      new Key("api.publicHost", c -> hostName(), "host name put in connection details and URLs (default: this machine's name)"),
      key("dataDir", "/var/lib/stagdb", "data directory: catalog (catalog.db, mode 0600) and mounts"),
      key("zfs.root", "stagdb/databases", "ZFS dataset under which every volume lives; nothing outside it is touched"),
      key("zfs.mode", "auto", "how to talk to ZFS: auto (libzfs_core when usable, else the zfs command), native, cli"),
      key("zfs.command", "zfs", "the zfs executable (a path, or a name looked up on PATH), run without a shell for what libzfs_core does not do"),
      new Key("zfs.mountDir", c -> Path.of(c.get("dataDir")).resolve("mounts").toString(), "where volumes are mounted (default: <dataDir>/mounts)"),
      key("docker.host", "", "Docker engine address, e.g. unix:///var/run/docker.sock (default: DOCKER_HOST or the local socket)"),
      key("docker.bindAddress", "0.0.0.0", "host address database ports are published on"),
      key("docker.pullImages", "true", "pull a missing engine image (true) or fail (false)"),
      key("docker.mongoReplicaSet", "false", "run MongoDB as a one-member replica set"),
      key("docker.containerPrefix", "stagdb-", "prefix of container and network names"),
      key("ports.first", "15432", "first host port for databases"),
      key("ports.last", "16431", "last host port for databases"),
      key("resources.default.memory", "1g", "memory of a database when the request names none"),
      key("resources.default.cpu", "1", "CPU cores of a database when the request names none"),
      key("resources.default.storage", "10g", "storage quota of a database when the request names none"),
      key("resources.min.memory", "256m", "smallest memory a request may ask for"),
      key("resources.min.cpu", "0.5", "fewest CPU cores a request may ask for"),
      key("resources.min.storage", "1g", "smallest storage a request may ask for"),
      key("resources.max.memory", "4g", "largest memory a request may ask for"),
      key("resources.max.cpu", "4", "most CPU cores a request may ask for"),
      key("resources.max.storage", "50g", "largest storage a request may ask for"),
      key("rateLimit.requestsPerSecond", "50", "sustained API requests per second per key"),
      key("rateLimit.burst", "100", "API requests a key may send at once"),
      key("rateLimit.failedAuthPerMinute", "20", "failed authentications per client address per minute"),
      key("webhooks.timeout", "10s", "how long a webhook receiver may take to answer"),
      key("webhooks.backoff", "30s,2m,5m,15m,40m", "waits before each retry of a failed delivery (6 attempts over about an hour)"),
      key("webhooks.allowPrivateNetworks", "true", "deliver webhooks to private addresses (10/8, 172.16/12, 192.168/16, fc00::/7); loopback, link-local, multicast and this host's own addresses are always refused"),
      key("reconcile.removeOrphans", "false", "remove containers and volumes no database owns (false: only report them)"),
      key("reaper.interval", "30s", "how often expired branches are deleted"),
      key("readyTimeout", "120s", "how long an engine may take to accept connections"),
      key("operations.lockWait", "15s", "how long an operation waits for another on the same databases or snapshots before answering 409 busy"),
      key("operations.backgroundThreads", "4", "threads finishing deletions and wait=false creations after they were answered"),
      key("ttl.max", "30d", "the longest TTL a database or branch may ask for"),
      key("standby.perSnapshot", "1", "branches kept ready (running, hidden) for each snapshot being branched from, so the next branch of it is handed over at once; 0: none"),
      key("standby.idle", "10m", "how long an unused standby is kept"),
      key("standby.maxPerSnapshot", "8", "most standbys kept for one snapshot, counting branches given back (release) for the next test run"),
      key("shutdownTimeout", "30s", "how long in-flight requests may run on shutdown"));

  private static Key key(String name, String value, String meaning) {
    return new Key(name, c -> value, meaning);
  }

  private final Map<String, String> values = new LinkedHashMap<>();
  private final Map<String, String> sources = new LinkedHashMap<>();

  /** Loads and validates from every source; {@code file} may be {@code null}. */
  public static ServerConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
    ConfigLoader loader = new ConfigLoader();
    if (file != null) {
      loader.readYaml(file);
    }
    loader.readEnvironment(env);
    overrides.forEach((k, v) -> loader.put(k, v, "command line"));
    return loader.build();
  }

  private void put(String key, String value, String source) {
    if (!isKnown(key)) {
      throw new ConfigException("unknown config key '" + key + "' (from " + source + "); known keys: "
          + String.join(", ", KEYS.stream().map(Key::name).toList()) + ", images.<engine>.<version>, docker.labels.<name>");
    }
    values.put(key, value);
    sources.put(key, source);
  }

  private static boolean isKnown(String key) {
    return KEYS.stream().anyMatch(k -> k.name().equals(key)) || key.matches("images\\.[a-z]+\\.[0-9.]+")
        || key.matches("docker\\.labels\\.[A-Za-z0-9_.-]+");
  }

  private void readYaml(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    if (root == null || root.isNull() || root.isMissingNode()) {
      return;
    }
    if (!root.isObject()) {
      throw new ConfigException("config file " + file + " must hold a YAML mapping of keys");
    }
    flatten("", root, file.toString());
  }

  private void flatten(String prefix, JsonNode node, String source) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = prefix + field.getKey();
      if (field.getValue().isObject()) {
        flatten(key + ".", field.getValue(), source);
      } else if (field.getValue().isValueNode() && !field.getValue().isNull()) {
        put(key, field.getValue().asText(), source);
      } else {
        throw new ConfigException("config key '" + key + "' (from " + source + ") must be a single value");
      }
    }
  }

  /**
   * {@code STAGDB_*} variables that are not configuration keys: read by the scripts, the {@code stagdb}
   * command, the JUnit extension and the tests.
   */
  public static final List<String> OTHER_VARIABLES = List.of("STAGDB_CONFIG", "STAGDB_URL", "STAGDB_API_KEY",
      "STAGDB_CONTEXT", "STAGDB_CA_FILE", "STAGDB_OUTPUT", "STAGDB_POOL", "STAGDB_POOL_FILE", "STAGDB_POOL_SIZE",
      "STAGDB_IMAGES", "STAGDB_REQUIRE_INFRA", "STAGDB_HOME");

  /** {@code STAGDB_API_PUBLIC_HOST} → {@code api.publicHost}; {@code STAGDB_IMAGES_MYSQL_8_0} → {@code images.mysql.8.0}. */
  private void readEnvironment(Map<String, String> env) {
    Map<String, String> byNormalised = new TreeMap<>();
    KEYS.forEach(k -> byNormalised.put(normalise(k.name()), k.name()));
    env.forEach((name, value) -> {
      if (!name.startsWith("STAGDB_") || OTHER_VARIABLES.contains(name) || name.startsWith("STAGDB_TEST_")) {
        return;
      }
      String rest = name.substring("STAGDB_".length());
      if (rest.startsWith("IMAGES_")) {
        String[] parts = rest.substring("IMAGES_".length()).toLowerCase(Locale.ROOT).split("_");
        if (parts.length >= 2) {
          put("images." + parts[0] + "." + String.join(".", List.of(parts).subList(1, parts.length)), value, name);
        }
        return;
      }
      String key = byNormalised.get(normalise(rest));
      if (key == null) {
        throw new ConfigException("unknown environment variable " + name + ": no config key is called that (a typo?);"
            + " the variables are STAGDB_ and a key in capitals, e.g. STAGDB_API_PORT for api.port, or one of "
            + OTHER_VARIABLES);
      }
      put(key, value, "environment " + name);
    });
  }

  private static String normalise(String key) {
    return key.replace(".", "").replace("_", "").toLowerCase(Locale.ROOT);
  }

  private String get(String key) {
    return values.get(key);
  }

  private ServerConfig build() {
    for (Key key : KEYS) {
      if (!values.containsKey(key.name())) {
        values.put(key.name(), key.defaultValue().apply(values));
        sources.put(key.name(), "default");
      }
    }
    Map<String, String> images = new TreeMap<>();
    Map<String, String> labels = new TreeMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith("images.")) {
        String rest = k.substring("images.".length());
        String engine = rest.substring(0, rest.indexOf('.'));
        String version = rest.substring(rest.indexOf('.') + 1);
        try {
          EngineVersion ev = EngineVersion.parse(engine, version);
          images.put(ev.engine().id() + "." + ev.version(), nonBlank(k, v));
        } catch (InvalidRequestException e) {
          throw invalid(k, "an engine and version stagDB supports: " + io.stagdb.domain.model.Engine.supported());
        }
      } else if (k.startsWith("docker.labels.")) {
        labels.put(k.substring("docker.labels.".length()), v);
      }
    });
    int first = port("ports.first");
    int last = port("ports.last");
    if (first > last) {
      throw invalid("ports.last", "at least ports.first (" + first + ")");
    }
    int apiPort = port("api.port");
    String root = get("zfs.root");
    if (!DATASET.matcher(root).matches()) {
      throw invalid("zfs.root", "a dataset below a pool, e.g. tank/stagdb");
    }
    String mode = get("zfs.mode").toLowerCase(Locale.ROOT);
    if (!List.of("auto", "native", "cli").contains(mode)) {
      throw invalid("zfs.mode", "auto, native or cli");
    }
    ResourcePolicy policy;
    try {
      policy = new ResourcePolicy(resources("resources.min"), resources("resources.max"), resources("resources.default"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config keys resources.*: " + e.getMessage() + " (defaults must lie within min and max)");
    }
    return new ServerConfig(nonBlank("api.host", get("api.host")), apiPort, nonBlank("api.publicHost", get("api.publicHost")),
        path("dataDir"), root, mode, nonBlank("zfs.command", get("zfs.command")), path("zfs.mountDir"), get("docker.host").isBlank() ? null : get("docker.host"),
        nonBlank("docker.bindAddress", get("docker.bindAddress")), bool("docker.pullImages"), bool("docker.mongoReplicaSet"),
        get("docker.containerPrefix"), labels, new PortRange(first, last), images, policy,
        positive("rateLimit.requestsPerSecond"), positive("rateLimit.burst"), positive("rateLimit.failedAuthPerMinute"),
        duration("webhooks.timeout"), durations("webhooks.backoff"), bool("reconcile.removeOrphans"), duration("reaper.interval"),
        duration("readyTimeout"), duration("shutdownTimeout"), duration("operations.lockWait"),
        (int) Math.min(64, positive("operations.backgroundThreads")), duration("ttl.max"),
        bool("webhooks.allowPrivateNetworks"), count("standby.perSnapshot", 8), duration("standby.idle"),
        count("standby.maxPerSnapshot", 64), tls("api.tls.certificate"), tls("api.tls.privateKey"));
  }

  private Resources resources(String prefix) {
    try {
      return new Resources(Quantities.parseBytes(prefix + ".memory", get(prefix + ".memory")),
          Quantities.parseMilliCpus(prefix + ".cpu", get(prefix + ".cpu")),
          Quantities.parseBytes(prefix + ".storage", get(prefix + ".storage")));
    } catch (InvalidRequestException e) {
      throw invalid(e.field(), "a size like 512m or 1g (cpu: cores like 0.5 or 2)");
    } catch (IllegalArgumentException e) {
      throw invalid(prefix + ".*", "positive sizes");
    }
  }

  /** A TLS file: empty for none; else it must exist, and both or neither be set. */
  private Path tls(String key) {
    String cert = get("api.tls.certificate").trim();
    String privateKey = get("api.tls.privateKey").trim();
    if (cert.isEmpty() != privateKey.isEmpty()) {
      throw invalid(cert.isEmpty() ? "api.tls.certificate" : "api.tls.privateKey",
          "set together with " + (cert.isEmpty() ? "api.tls.privateKey" : "api.tls.certificate"));
    }
    String value = get(key).trim();
    if (value.isEmpty()) {
      return null;
    }
    Path file = Path.of(value);
    if (!java.nio.file.Files.isReadable(file)) {
      throw invalid(key, "a readable PEM file (" + file + " is not)");
    }
    return file;
  }

  private int port(String key) {
    try {
      int port = Integer.parseInt(get(key).trim());
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(key, "a port number from 1 to 65535");
  }

  private long positive(String key) {
    try {
      long n = Long.parseLong(get(key).trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(key, "a whole number above 0");
  }

  private int count(String key, int max) {
    try {
      int n = Integer.parseInt(get(key).trim());
      if (n >= 0 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(key, "a whole number from 0 to " + max);
  }

  private boolean bool(String key) {
    return switch (get(key).trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw invalid(key, "true or false");
    };
  }

  private List<Duration> durations(String key) {
    List<Duration> list = new ArrayList<>();
    for (String part : get(key).split(",")) {
      list.add(duration(key, part));
    }
    return list;
  }

  private Duration duration(String key) {
    return duration(key, get(key));
  }

  private Duration duration(String key, String text) {
    try {
      return Quantities.parseDuration(key, text);
    } catch (InvalidRequestException e) {
      throw invalid(key, "a duration above 0 like 500ms, 30s, 5m or 1h");
    }
  }

  private Path path(String key) {
    Path p = Path.of(nonBlank(key, get(key)));
    if (!p.isAbsolute()) {
      throw invalid(key, "an absolute path");
    }
    return p.normalize();
  }

  private String nonBlank(String key, String value) {
    if (value == null || value.isBlank()) {
      throw invalid(key, "a non-empty value");
    }
    return value.trim();
  }

  private ConfigException invalid(String key, String allowed) {
    String value = values.get(key);
    return new ConfigException("config key '" + key + "' must be " + allowed
        + (value == null ? "" : " (got '" + value + "' from " + sources.getOrDefault(key, "default") + ")"));
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  /** The README's table of keys: key and variable, default, meaning (ConfigLoaderTest keeps the README equal to it). */
  public static String markdownTable() {
    StringBuilder table = new StringBuilder("| key | default | meaning |\n|---|---|---|\n");
    Map<String, String> defaults = new LinkedHashMap<>();
    for (Key k : KEYS) {
      defaults.put(k.name(), k.defaultValue().apply(defaults));
      String shown = k.name().equals("api.publicHost") || k.name().equals("zfs.mountDir") ? "see meaning"
          : defaults.get(k.name()).isEmpty() ? "(unset)" : defaults.get(k.name());
      table.append("| `").append(k.name()).append("` (`STAGDB_").append(environmentName(k.name())).append("`) | `")
          .append(shown).append("` | ").append(k.meaning()).append(" |\n");
    }
    return table.toString();
  }

  /** {@code api.publicHost} → {@code API_PUBLIC_HOST}. */
  static String environmentName(String key) {
    return key.replaceAll("([a-z])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
  }

  /** The documented keys and their defaults, for {@code --help} and the README. */
  public static List<String> describe() {
    List<String> lines = new ArrayList<>();
    Map<String, String> defaults = new LinkedHashMap<>();
    for (Key k : KEYS) {
      defaults.put(k.name(), k.defaultValue().apply(defaults));
      lines.add(k.name() + " (default " + defaults.get(k.name()) + "): " + k.meaning());
    }
    return lines;
  }
}
