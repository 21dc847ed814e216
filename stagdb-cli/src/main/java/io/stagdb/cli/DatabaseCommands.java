package io.stagdb.cli;

import io.stagdb.api.Dto;
import io.stagdb.client.StagDbApiException;
import io.stagdb.client.StagDbClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stagdb db create|list|get|start|stop|restart|delete|import}. */
@Command(name = "db", mixinStandardHelpOptions = true, description = "Databases: create, list, inspect, start, stop, delete,"
    + " load a dump.",
    subcommands = {DatabaseCommands.Create.class, DatabaseCommands.ListAll.class, DatabaseCommands.Get.class,
        DatabaseCommands.Start.class, DatabaseCommands.Stop.class, DatabaseCommands.Restart.class,
        DatabaseCommands.Delete.class, DatabaseCommands.Import.class, DatabaseCommands.Refresh.class})
final class DatabaseCommands extends CommandGroup {

  /** Resources and options shared by {@code db create} and {@code branch create}. */
  static final class ConfigOptions {
    @Option(names = "--memory", paramLabel = "SIZE", description = "memory limit, e.g. 512m, 2g")
    String memory;

    @Option(names = "--cpu", paramLabel = "CPUS", description = "CPU limit, e.g. 0.5, 2")
    String cpu;

    @Option(names = "--storage", paramLabel = "SIZE", description = "storage quota, e.g. 10g")
    String storage;

    Dto.Config config(Integer port, Map<String, String> env, List<String> initScripts) {
      if (memory == null && cpu == null && storage == null && port == null && (env == null || env.isEmpty())
          && (initScripts == null || initScripts.isEmpty())) {
        return null;
      }
      return new Dto.Config(memory, cpu, storage, port, env == null || env.isEmpty() ? null : env,
          initScripts == null || initScripts.isEmpty() ? null : initScripts);
    }
  }

  @Command(name = "create", description = "Create a database and wait until it accepts connections (progress on "
      + "standard error).")
  static final class Create extends UserCommand {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = {"-t", "--type"}, required = true, paramLabel = "TYPE", description = "postgresql, mysql, mariadb or mongodb")
    String type;

    @Option(names = {"-v", "--version"}, required = true, paramLabel = "VERSION", description = "e.g. 16, 8.0, 10.11, 7.0")
    String version;

    @picocli.CommandLine.Mixin
    ConfigOptions resources = new ConfigOptions();

    @Option(names = "--port", paramLabel = "PORT", description = "host port (default: the next free one of the server's range)")
    Integer port;

    @Option(names = "--env", paramLabel = "KEY=VALUE", description = "engine environment variable (repeatable)")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--init-script", paramLabel = "FILE", description = "SQL run once it is up (repeatable, in order)")
    List<Path> initScripts = new ArrayList<>();

    @Option(names = "--extension", paramLabel = "NAME", description = "PostgreSQL extension to create, e.g. pg_trgm (repeatable)")
    List<String> extensions = new ArrayList<>();

    @Option(names = "--setting", paramLabel = "NAME=VALUE",
        description = "engine setting: a postgresql.conf parameter or a MySQL/MariaDB variable, e.g. work_mem=16MB (repeatable)")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--source", paramLabel = "URL", description = "fill it from a live database, e.g. "
        + "postgresql://reader:PASSWORD@prod.internal:5432/app (progress shown while it imports)")
    String source;

    @Option(names = "--no-wait", description = "return once the server has accepted it (it is creating)")
    boolean noWait;

    @Override
    int run(StagDbClient client, Output out) throws Exception {
      List<String> scripts = new ArrayList<>();
      for (Path file : initScripts) {
        try {
          scripts.add(Files.readString(file));
        } catch (IOException e) {
          throw new IllegalArgumentException("cannot read the init script " + file + ": " + e.getMessage());
        }
      }
      Dto.Config config = resources.config(port, env, scripts);
      if (!extensions.isEmpty() || !settings.isEmpty()) {
        Dto.Config base = config == null ? new Dto.Config(null, null, null, null, null, null) : config;
        config = new Dto.Config(base.memory(), base.cpu(), base.storage(), base.port(), base.env(), base.initScripts(),
            extensions.isEmpty() ? null : extensions, settings.isEmpty() ? null : settings);
      }
      Dto.CreateDatabase request = new Dto.CreateDatabase(name, type, version, config,
          source == null ? null : new Dto.Source(source));
      Dto.Accepted accepted = client.createDatabaseAsync(request);
      if (noWait) {
        out.print(accepted, () -> out.say("creating " + name + "; follow it with: stagdb db get " + name));
        return ExitCodes.OK;
      }
      Dto.Database db;
      try (Progress progress = Progress.of(err(), "creating " + name)) {
        String[] status = {"creating"};
        db = progress.await(Duration.ofMillis(250), () -> {
          Dto.Database now = client.getDatabase(name);
          status[0] = now.importing() == null ? now.status() : importing(now.importing());
          return "creating".equals(now.status()) || "importing".equals(now.status()) ? null : now;
        }, () -> status[0]);
        if (!"running".equals(db.status())) {
          err().println("error: " + name + " is " + db.status()
              + (db.statusDetail() == null ? "" : ": " + db.statusDetail()));
          return ExitCodes.SERVER;
        }
        Duration took = progress.elapsed();
        Dto.Database created = db;
        out.print(created, () -> {
          out.say(name + " is running (" + Output.duration(took) + ")");
          Views.database(created, out);
        });
      }
      return ExitCodes.OK;
    }
  }

  /** An import's progress in a few words: {@code importing (restore): 2 of 3 tables, 12 MB of 40 MB}. */
  static String importing(Dto.ImportState state) {
    return "importing (" + state.phase() + "): " + state.objectsDone() + " of " + state.objectsTotal() + " tables, "
        + Output.bytes(state.bytesDone()) + " of " + Output.bytes(state.bytesTotal());
  }

  @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List databases and branches.")
  static final class ListAll extends UserCommand {
    @Option(names = "--type", paramLabel = "TYPE", description = "only this engine")
    String type;

    @Option(names = "--status", paramLabel = "STATUS", description = "only this status (creating, importing, running, stopped, failed, "
        + "deleting)")
    String status;

    @Option(names = "--origin", paramLabel = "SNAPSHOT", description = "only branches of this snapshot")
    String origin;

    @Override
    int run(StagDbClient client, Output out) {
      List<Dto.Database> all = new ArrayList<>();
      while (true) {
        Dto.Page<Dto.Database> page = client.listDatabases(type, status, origin, 1000, all.size());
        all.addAll(page.items());
        if (page.items().isEmpty() || all.size() >= page.total()) {
          break;
        }
      }
      out.print(all, () -> out.table(Views.DATABASE_COLUMNS, all.stream().map(d -> Views.row(d, out)).toList()));
      return ExitCodes.OK;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a database: status, connection, resources.")
  static final class Get extends UserCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run(StagDbClient client, Output out) {
      Dto.Database db = client.getDatabase(name);
      out.print(db, () -> Views.database(db, out));
      return ExitCodes.OK;
    }
  }

  @Command(name = "start", mixinStandardHelpOptions = true, description = "Start a stopped database.")
  static final class Start extends UserCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run(StagDbClient client, Output out) {
      return changed(out, "started", Progress.of(err(), "starting " + name), () -> client.start(name));
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a database (its data stays).")
  static final class Stop extends UserCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run(StagDbClient client, Output out) {
      return changed(out, "stopped", Progress.of(err(), "stopping " + name), () -> client.stop(name));
    }
  }

  @Command(name = "restart", mixinStandardHelpOptions = true, description = "Restart a database's engine.")
  static final class Restart extends UserCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run(StagDbClient client, Output out) {
      return changed(out, "restarted", Progress.of(err(), "restarting " + name), () -> client.restart(name));
    }
  }

  /** Runs a change with progress and prints the database it answers with. */
  static int changed(Output out, String verb, Progress progress, java.util.function.Supplier<Dto.Database> change) {
    Dto.Database db;
    try (progress) {
      db = progress.during(change);
    }
    out.print(db, () -> out.say(db.name() + " " + verb + " (" + Output.duration(progress.elapsed()) + "); status "
        + db.status()));
    return ExitCodes.OK;
  }

  @Command(name = "import", mixinStandardHelpOptions = true, description = "Load a dump file into a running database,"
      + " streamed: a PostgreSQL custom-format (pg_dump -Fc) or plain SQL dump, a MySQL/MariaDB SQL dump. All or nothing.")
  static final class Import extends UserCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "DUMP", description = "the dump file")
    java.nio.file.Path dump;

    @Override
    int run(StagDbClient client, Output out) {
      Dto.DumpImport done;
      try (Progress progress = Progress.of(err(), "loading " + dump.getFileName() + " into " + name)) {
        done = progress.during(() -> client.importDump(name, dump));
      }
      out.print(done, () -> out.say(name + ": " + done.format() + " dump of " + done.bytes() + " bytes loaded in "
          + Output.duration(java.time.Duration.ofMillis((long) (done.seconds() * 1000)))));
      return ExitCodes.OK;
    }
  }

  @Command(name = "refresh", mixinStandardHelpOptions = true, description = "Copy an imported database again from its"
      + " source into a fresh volume, then switch it over (same name, port and password) and snapshot it.")
  static final class Refresh extends UserCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--no-wait", description = "return once the server has accepted it (it refreshes in the background)")
    boolean noWait;

    @Override
    int run(StagDbClient client, Output out) {
      if (noWait) {
        Dto.Accepted accepted = client.refreshAsync(name);
        out.print(accepted, () -> out.say("refreshing " + name + "; follow it with: stagdb db get " + name));
        return ExitCodes.OK;
      }
      return changed(out, "refreshed", Progress.of(err(), "refreshing " + name + " from its source"),
          () -> client.refresh(name));
    }
  }

  @Command(name = "delete", aliases = "rm", mixinStandardHelpOptions = true,
      description = "Delete a database; its storage goes in the background (--wait: until its name is free).")
  static final class Delete extends UserCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--cascade", description = "also delete the branches of its snapshots")
    boolean cascade;

    @Option(names = "--wait", description = "return once it is gone and its name is free")
    boolean await;

    @Override
    int run(StagDbClient client, Output out) throws InterruptedException {
      Dto.Database deleting = client.deleteDatabase(name, cascade);
      if (await) {
        try (Progress progress = Progress.of(err(), "deleting " + name)) {
          progress.await(Duration.ofMillis(200), () -> {
            try {
              client.getDatabase(name);
              return null;
            } catch (StagDbApiException.NotFound gone) {
              return Boolean.TRUE;
            }
          }, () -> "deleting");
        }
      }
      out.print(deleting, () -> out.say(await ? name + " deleted; the name is free"
          : name + " is deleting; its storage goes in the background (stagdb db get " + name + " until it is gone)"));
      return ExitCodes.OK;
    }
  }
}
