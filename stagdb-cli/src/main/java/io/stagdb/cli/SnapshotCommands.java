package io.stagdb.cli;

import io.stagdb.api.Dto;
import io.stagdb.client.StagDbClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stagdb snapshot create|list|delete}. */
@Command(name = "snapshot", mixinStandardHelpOptions = true, description = "Snapshots: instant, read-only points to branch "
    + "from.", subcommands = {SnapshotCommands.Create.class, SnapshotCommands.ListAll.class, SnapshotCommands.Delete.class})
final class SnapshotCommands extends CommandGroup {

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Snapshot a database (running or stopped).")
  static final class Create extends UserCommand {
    @Parameters(index = "0", paramLabel = "DATABASE")
    String database;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Override
    int run(StagDbClient client, Output out) {
      Dto.Snapshot s = client.createSnapshot(database, name);
      out.print(s, () -> out.say("snapshot " + s.name() + " of " + s.database() + " taken"));
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List snapshots, of one database "
      + "or all.")
  static final class ListAll extends UserCommand {
    @Parameters(arity = "0..1", paramLabel = "DATABASE")
    String database;

    @Override
    int run(StagDbClient client, Output out) {
      List<Dto.Snapshot> all = database == null ? client.allSnapshots() : client.snapshots(database);
      out.print(all, () -> out.table(Views.SNAPSHOT_COLUMNS, all.stream().map(s -> Views.row(s, out)).toList()));
      return ExitCodes.OK;
    }
  }

  @Command(name = "delete", aliases = "rm", mixinStandardHelpOptions = true, description = "Delete a snapshot.")
  static final class Delete extends UserCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--cascade", description = "also delete the branches made from it")
    boolean cascade;

    @Override
    int run(StagDbClient client, Output out) {
      client.deleteSnapshot(name, cascade);
      out.say("snapshot " + name + " deleted");
      return ExitCodes.OK;
    }
  }
}
