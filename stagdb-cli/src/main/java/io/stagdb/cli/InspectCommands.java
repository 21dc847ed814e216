package io.stagdb.cli;

import io.stagdb.api.Dto;
import io.stagdb.client.StagDbClient;
import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stagdb stats}, {@code stagdb logs [-f]}, {@code stagdb connect}. */
final class InspectCommands {
  private InspectCommands() {
  }

  @Command(name = "stats", mixinStandardHelpOptions = true, description = "A database's CPU, memory, network, disk and "
      + "storage figures.")
  static final class Stats extends UserCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    int run(StagDbClient client, Output out) {
      Dto.Stats s = client.stats(name);
      out.print(s, () -> {
        List<String[]> f = new ArrayList<>();
        if (s.container() != null) {
          Dto.Container c = s.container();
          f.add(new String[] {"cpu", String.format(Locale.ROOT, "%.1f %%", c.cpuPercent())});
          f.add(new String[] {"memory", Output.bytes(c.memoryUsedBytes()) + " of " + Output.bytes(c.memoryLimitBytes())});
          f.add(new String[] {"network", "in " + Output.bytes(c.networkRxBytes()) + ", out " + Output.bytes(c.networkTxBytes())});
          f.add(new String[] {"disk", "read " + Output.bytes(c.blockReadBytes()) + ", written "
              + Output.bytes(c.blockWriteBytes())});
        }
        if (s.engine() != null) {
          f.add(new String[] {"data", Output.bytes(s.engine().sizeBytes())});
          f.add(new String[] {"connections", Integer.toString(s.engine().connections())});
        }
        if (s.storage() != null) {
          Dto.Storage st = s.storage();
          f.add(new String[] {"storage", Output.bytes(st.usedBytes()) + " used, " + Output.bytes(st.referencedBytes())
              + " referenced, quota " + Output.bytes(st.quotaBytes()) + ", " + Output.bytes(st.availableBytes()) + " free"});
          f.add(new String[] {"written", st.writtenBytes() == null ? "n/a (this host's ZFS cannot tell)"
              : Output.bytes(st.writtenBytes()) + " since its origin"});
        }
        out.fields(f);
      });
      return ExitCodes.OK;
    }
  }

  @Command(name = "logs", mixinStandardHelpOptions = true, description = "A database's engine log; -f follows it until "
      + "the database stops (or Ctrl-C).")
  static final class Logs extends UserCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--tail", paramLabel = "LINES", defaultValue = "100", description = "the last LINES lines (default 100)")
    int tail;

    @Option(names = {"-f", "--follow"}, description = "keep printing new lines")
    boolean follow;

    @Override
    int run(StagDbClient client, Output out) {
      PrintWriter print = spec.commandLine().getOut();
      if (!follow) {
        print.print(client.logs(name, tail));
        print.flush();
        return ExitCodes.OK;
      }
      String why = client.followLogs(name, tail, line -> {
        print.println(line);
        print.flush();
        return !print.checkError();
      });
      err().println("stagdb: the log ended: " + why);
      return ExitCodes.OK;
    }
  }

  @Command(name = "connect", mixinStandardHelpOptions = true, description = "Open psql, mariadb (or mysql) or mongosh on "
      + "a database. The password goes through the environment (PGPASSWORD, MYSQL_PWD) or a prompt, never the command "
      + "line. Arguments after -- go to the client.")
  static final class Connect extends UserCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "passed to the client")
    List<String> args = new ArrayList<>();

    @Override
    int run(StagDbClient client, Output out) throws Exception {
      Dto.Database db = client.getDatabase(name);
      if (db.connection() == null) {
        throw new IllegalArgumentException(name + " has no connection (it is " + db.status() + ")");
      }
      ProcessBuilder process = command(db, args, System.getenv("PATH"));
      ignoreInterrupts();   // Ctrl-C is the client's (psql cancels a query), not a reason for this JVM to go
      return process.inheritIO().start().waitFor();
    }
  }

  @SuppressWarnings("restriction")
  private static void ignoreInterrupts() {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> { });
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError notHere) {
      // then Ctrl-C ends both, as it would anyway
    }
  }

  /** The client command for a database, its password in the environment only; fails if the client is not installed. */
  static ProcessBuilder command(Dto.Database db, List<String> extra, String path) {
    Dto.Connection c = db.connection();
    List<String> command = new ArrayList<>();
    ProcessBuilder builder = new ProcessBuilder(command);
    switch (db.type()) {
      case "postgresql" -> {
        command.addAll(List.of(find(path, "psql"), "-h", c.host(), "-p", Integer.toString(c.port()), "-U", c.username(),
            "-d", c.database()));
        builder.environment().put("PGPASSWORD", c.password());
      }
      case "mysql", "mariadb" -> {
        String program = which(path, "mariadb") != null ? "mariadb" : "mysql";
        command.addAll(List.of(find(path, program), "-h", c.host(), "-P", Integer.toString(c.port()), "-u", c.username(),
            "--protocol=TCP"));
        if (c.database() != null && !c.database().isEmpty()) {
          command.add(c.database());
        }
        builder.environment().put("MYSQL_PWD", c.password());
      }
      case "mongodb" -> command.addAll(List.of(find(path, "mongosh"), "--host", c.host(), "--port",
          Integer.toString(c.port()), "-u", c.username(), "-p", "--authenticationDatabase", "admin"));
      default -> throw new IllegalArgumentException("no client known for " + db.type());
    }
    command.addAll(extra);
    return builder;
  }

  private static String find(String path, String program) {
    String found = which(path, program);
    if (found == null) {
      throw new IllegalArgumentException(program + " is not installed on this machine (not on PATH); install it, e.g. "
          + switch (program) {
            case "psql" -> "apt install postgresql-client";
            case "mongosh" -> "from mongodb.com";
            default -> "apt install mariadb-client";
          });
    }
    return found;
  }

  static String which(String path, String program) {
    for (String dir : (path == null ? "/usr/bin:/bin" : path).split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
