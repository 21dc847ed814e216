package io.stagdb.server.cli;

import io.stagdb.cli.ExitCodes;
import io.stagdb.cli.UserCommands;
import io.stagdb.docker.DockerDatabaseRuntime;
import io.stagdb.docker.DockerSettings;
import io.stagdb.http.TlsFiles;
import io.stagdb.domain.access.ApiKey;
import io.stagdb.domain.access.ApiKeys;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.service.ReconcileReport;
import io.stagdb.server.StagDbEngine;
import io.stagdb.server.StagDbServer;
import io.stagdb.server.catalog.SqliteApiKeyStore;
import io.stagdb.server.catalog.SqliteDatabase;
import io.stagdb.server.config.ConfigException;
import io.stagdb.server.config.ConfigLoader;
import io.stagdb.server.config.ServerConfig;
import io.stagdb.zfs.ZfsMode;
import io.stagdb.zfs.ZfsVolumeStore;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stagdb}: the server's own commands (serve, manage API keys, check the host, reconcile,
 * print the version) and, from {@code stagdb-cli}, the user commands that talk to a server.
 */
@Command(name = "stagdb", mixinStandardHelpOptions = true, versionProvider = StagDbCli.Version.class,
    description = "stagDB: staging databases on ZFS and Docker.",
    subcommands = {StagDbCli.Serve.class, StagDbCli.Keys.class, StagDbCli.Doctor.class, StagDbCli.Reconcile.class,
        StagDbCli.PrintVersion.class})
public final class StagDbCli implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "stagdb-logback.xml");
    }
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs a command line and returns its exit code ({@link ExitCodes}: 0 ok, 2 usage or configuration, …). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = UserCommands.addTo(new CommandLine(new StagDbCli()));
    cli.setOut(out).setErr(err);
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      if (e instanceof ConfigException) {
        line.getErr().println("configuration error: " + e.getMessage());
        line.getErr().flush();
        return ExitCodes.BAD_INPUT;
      }
      return ExitCodes.report(e, line.getErr());
    });
    return cli.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static String version() {
    String v = StagDbCli.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** The version in the jar's manifest. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"stagDB " + version()};
    }
  }

  /** Options every command shares: where the configuration comes from. */
  static class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE",
        description = "YAML configuration file (default: $STAGDB_CONFIG, else /etc/stagdb/stagdb.yaml if present)")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override one configuration key (repeatable)")
    Map<String, String> overrides = new LinkedHashMap<>();

    ServerConfig load() {
      Path config = file;
      if (config == null && System.getenv("STAGDB_CONFIG") != null) {
        config = Path.of(System.getenv("STAGDB_CONFIG"));
      }
      if (config == null && Files.exists(Path.of("/etc/stagdb/stagdb.yaml"))) {
        config = Path.of("/etc/stagdb/stagdb.yaml");
      }
      if (config != null && !Files.exists(config)) {
        throw new ConfigException("config file " + config + " does not exist");
      }
      return ConfigLoader.load(config, System.getenv(), overrides);
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = "Reconcile, then serve the REST API until stopped (SIGTERM/Ctrl-C: graceful).")
  static final class Serve implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOptions config = new ConfigOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      ServerConfig cfg = config.load();
      PrintWriter out = spec.commandLine().getOut();
      StagDbServer server = StagDbServer.start(cfg, version());
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.close();
        stopped.countDown();
      }, "stagdb-shutdown"));
      out.println("stagDB " + version() + " is up: " + (cfg.tls() ? "https" : "http") + "://" + cfg.publicHost() + ":"
          + server.port());
      ApiKeys keys = server.engine().apiKeys();
      if (keys.list().stream().noneMatch(ApiKey::active)) {
        ApiKeys.Issued admin = keys.issue("first-start admin", ApiKey.Scope.ADMIN);
        out.println("Admin API key (shown once, keep it): " + admin.token());
      }
      out.flush();
      stopped.await();
      return 0;
    }
  }

  @Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage API keys.",
      subcommands = {Keys.Create.class, Keys.ListKeys.class, Keys.Revoke.class})
  static final class Keys implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }

    static <T> T withKeys(ConfigOptions options, java.util.function.Function<ApiKeys, T> work) {
      ServerConfig cfg = options.load();
      try (SqliteDatabase db = SqliteDatabase.open(cfg.catalogFile())) {
        return work.apply(new ApiKeys(new SqliteApiKeyStore(db), Clock.systemUTC()));
      }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key and print it (once).")
    static final class Create implements Callable<Integer> {
      @CommandLine.Mixin
      ConfigOptions config = new ConfigOptions();
      @Option(names = "--name", required = true, description = "what the key is for")
      String name;
      @Option(names = "--scope", defaultValue = "standard", description = "admin, standard or metrics (a scraper: GET /metrics only; default: standard)")
      String scope;
      @CommandLine.Spec
      CommandLine.Model.CommandSpec spec;

      @Override
      public Integer call() {
        ApiKey.Scope parsed;
        try {
          parsed = ApiKey.Scope.valueOf(scope.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--scope must be admin, standard or metrics");
        }
        ApiKeys.Issued issued = withKeys(config, keys -> keys.issue(name, parsed));
        spec.commandLine().getOut().println(issued.token());
        spec.commandLine().getErr().println("created " + issued.key().id() + " (" + parsed.name().toLowerCase(Locale.ROOT)
            + "); the key above is shown only now");
        return 0;
      }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never their secrets).")
    static final class ListKeys implements Callable<Integer> {
      @CommandLine.Mixin
      ConfigOptions config = new ConfigOptions();
      @CommandLine.Spec
      CommandLine.Model.CommandSpec spec;

      @Override
      public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-14s %-9s %-25s %-8s %s%n", "ID", "SCOPE", "CREATED", "STATE", "NAME");
        for (ApiKey k : withKeys(config, ApiKeys::list)) {
          out.printf("%-14s %-9s %-25s %-8s %s%n", k.id(), k.scope().name().toLowerCase(Locale.ROOT), k.createdAt(),
              k.active() ? "active" : "revoked", k.name());
        }
        return 0;
      }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key by id.")
    static final class Revoke implements Callable<Integer> {
      @CommandLine.Mixin
      ConfigOptions config = new ConfigOptions();
      @Parameters(paramLabel = "ID")
      String id;
      @CommandLine.Spec
      CommandLine.Model.CommandSpec spec;

      @Override
      public Integer call() {
        withKeys(config, keys -> {
          keys.revoke(id);
          return null;
        });
        spec.commandLine().getOut().println("revoked " + id);
        return 0;
      }
    }
  }

  @Command(name = "doctor", mixinStandardHelpOptions = true,
      description = "Check configuration, catalog, ZFS, Docker, images and ports; print the fix for each problem.")
  static final class Doctor implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOptions config = new ConfigOptions();
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      ServerConfig cfg;
      try {
        cfg = config.load();
        report(out, "configuration", null, null);
      } catch (ConfigException e) {
        report(out, "configuration", e.getMessage(), "fix the key named above (see README, Configuration)");
        return 1;
      }
      List<Boolean> results = new ArrayList<>();
      results.add(check(out, "catalog " + cfg.catalogFile(), () -> {
            SqliteDatabase.open(cfg.catalogFile()).close();
            return null;
          },
          "make " + cfg.dataDir() + " writable by this user, or set dataDir"));
      results.add(check(out, "ZFS dataset root " + cfg.zfsRoot() + " (" + cfg.zfsMode() + ")",
          () -> {
            ZfsVolumeStore.open(cfg.zfsRoot(), cfg.mountDir(), ZfsMode.parse(cfg.zfsMode()));
            return null;
          },
          "create the pool (sudo scripts/host-setup does, with zfs-fuse) or set zfs.root to a dataset of an existing pool"));
      DockerDatabaseRuntime[] docker = new DockerDatabaseRuntime[1];
      results.add(check(out, "Docker engine", () -> {
            docker[0] = DockerDatabaseRuntime.connect(new DockerSettings(cfg.dockerHost(), cfg.bindAddress(), cfg.images(),
                cfg.containerPrefix(), Map.of(), cfg.pullImages(), false, null, cfg.dataDir().resolve("control")));
            return null;
          },
          "start the Docker engine (sudo scripts/host-setup does) or set docker.host"));
      if (docker[0] != null) {
        try (DockerDatabaseRuntime runtime = docker[0]) {
          List<EngineVersion> engines = new ArrayList<>();
          for (var engine : io.stagdb.domain.model.Engine.values()) {
            engine.versions().forEach(v -> engines.add(new EngineVersion(engine, v)));
          }
          List<String> missing = runtime.missingImages(engines);
          String detail = missing.isEmpty() ? null : "not on this host: " + String.join(", ", missing);
          report(out, "engine images", detail, cfg.pullImages() ? null
              : "load them, or set images.<engine>.<version> to images that are here (scripts/build-images makes local ones)");
          results.add(missing.isEmpty() || cfg.pullImages());
        }
      }
      results.add(check(out, "ports " + cfg.ports() + " on " + cfg.bindAddress(), () -> {
        int free = freePorts(cfg);
        if (free == 0) {
          throw new IllegalStateException("no free port in the range");
        }
        return free + " of " + (cfg.ports().last() - cfg.ports().first() + 1) + " ports free";
      }, "widen ports.first..ports.last or free some ports"));
      if (cfg.tls()) {
        results.add(check(out, "TLS certificate " + cfg.tlsCertificate(), () -> {
          java.security.cert.X509Certificate leaf = new TlsFiles(cfg.tlsCertificate(), cfg.tlsPrivateKey()).verify();
          java.time.Instant now = java.time.Instant.now();
          java.time.Instant until = leaf.getNotAfter().toInstant();
          if (until.isBefore(now)) {
            throw new IllegalStateException("expired on " + until);
          }
          if (leaf.getNotBefore().toInstant().isAfter(now)) {
            throw new IllegalStateException("not valid before " + leaf.getNotBefore().toInstant());
          }
          long days = java.time.Duration.between(now, until).toDays();
          return leaf.getSubjectX500Principal().getName() + ", valid until " + until + " (" + days
              + " days" + (days < 21 ? ": renew it soon" : "") + ")";
        }, "renew it (certbot renew, or a new certificate as docs/install-ubuntu.md shows); the server takes the new "
            + "files within 5 s, no restart"));
      }
      boolean ok = results.stream().allMatch(b -> b);
      out.println(ok ? "all checks passed" : "some checks failed: see the fixes above");
      return ok ? 0 : 1;
    }

    /** Runs {@code probe}; prints "ok" and the detail it returns (if any) under it, or the failure and its fix. */
    private static boolean check(PrintWriter out, String what, java.util.function.Supplier<String> probe, String fix) {
      try {
        String detail = probe.get();
        report(out, what, null, null);
        if (detail != null) {
          out.println("      " + detail);
        }
        return true;
      } catch (RuntimeException e) {
        report(out, what, e.getMessage(), fix);
        return false;
      }
    }

    private static void report(PrintWriter out, String what, String problem, String fix) {
      if (problem == null) {
        out.println("ok    " + what);
      } else {
        out.println((fix == null ? "note  " : "FAIL  ") + what + ": " + problem);
        if (fix != null) {
          out.println("      fix: " + fix);
        }
      }
    }

    private static int freePorts(ServerConfig cfg) {
      int free = 0;
      for (int port = cfg.ports().first(); port <= cfg.ports().last() && free < 10_000; port++) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(cfg.bindAddress()))) {
          free++;
        } catch (java.io.IOException taken) {
          // in use
        }
      }
      return free;
    }
  }

  @Command(name = "reconcile", mixinStandardHelpOptions = true,
      description = "Compare catalog, volumes and containers; repair (or with --dry-run only report).")
  static final class Reconcile implements Callable<Integer> {
    @CommandLine.Mixin
    ConfigOptions config = new ConfigOptions();
    @Option(names = "--dry-run", description = "only report what would be done")
    boolean dryRun;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      try (StagDbEngine engine = StagDbEngine.start(config.load())) {
        ReconcileReport report = engine.reconcile(dryRun);
        PrintWriter out = spec.commandLine().getOut();
        if (report.clean()) {
          out.println("catalog, volumes and containers agree");
        }
        for (ReconcileReport.Action a : report.actions()) {
          out.printf("%-26s %-24s %s%s%n", a.kind(), a.subject(), a.detail(),
              a.applied() ? " [done]" : a.error() != null ? " [failed: " + a.error() + "]"
                  : dryRun ? " [would do]" : " [reported]");
        }
        return report.actions().stream().anyMatch(a -> a.error() != null) ? 1 : 0;
      }
    }
  }

  @Command(name = "version", description = "Print the version.")
  static final class PrintVersion implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().println("stagDB " + version());
      return 0;
    }
  }
}
