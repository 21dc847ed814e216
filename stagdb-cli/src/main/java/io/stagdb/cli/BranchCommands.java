package io.stagdb.cli;

import io.stagdb.api.Dto;
import io.stagdb.client.StagDbClient;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stagdb branch create}, {@code stagdb reset}, {@code stagdb recycle}. */
final class BranchCommands {
  private BranchCommands() {
  }

  @Command(name = "branch", mixinStandardHelpOptions = true, description = "Branches: writable databases made from a "
      + "database or a snapshot in well under a second, storing only what changes.", subcommands = Create.class)
  static final class Group extends CommandGroup {
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Branch a database (from a snapshot taken now) "
      + "or a snapshot.")
  static final class Create extends UserCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @ArgGroup(exclusive = true, multiplicity = "1")
    From from;

    static final class From {
      @Option(names = "--from", required = true, paramLabel = "DATABASE", description = "branch this database as it is now")
      String database;

      @Option(names = "--snapshot", required = true, paramLabel = "SNAPSHOT", description = "branch this snapshot")
      String snapshot;
    }

    @Option(names = "--ttl", paramLabel = "DURATION", description = "delete it after this long, e.g. 30m, 2h, 1d")
    String ttl;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "a label (repeatable)")
    Map<String, String> labels = new LinkedHashMap<>();

    @Mixin
    DatabaseCommands.ConfigOptions resources = new DatabaseCommands.ConfigOptions();

    @Override
    int run(StagDbClient client, Output out) {
      Dto.CreateBranch request = new Dto.CreateBranch(name, resources.config(null, null, null), ttl,
          labels.isEmpty() ? null : labels, null);
      Progress progress = Progress.of(err(), "branching " + (from.database != null ? from.database : from.snapshot));
      Dto.Database branch;
      try (progress) {
        branch = progress.during(() -> from.database != null ? client.branchFromDatabase(from.database, request)
            : client.branchFromSnapshot(from.snapshot, request));
      }
      out.print(branch, () -> {
        out.say(branch.name() + " is ready (" + Output.duration(progress.elapsed()) + ")");
        Views.database(branch, out);
      });
      return ExitCodes.OK;
    }
  }

  @Command(name = "reset", mixinStandardHelpOptions = true, description = "Put a branch back to its snapshot (or another "
      + "one of its source): a fresh clone; same name, port and password.")
  static final class Reset extends UserCommand {
    @Parameters(paramLabel = "BRANCH")
    String branch;

    @Option(names = "--snapshot", paramLabel = "SNAPSHOT", description = "reset to this snapshot of the same source")
    String snapshot;

    @Override
    int run(StagDbClient client, Output out) {
      return DatabaseCommands.changed(out, "reset", Progress.of(err(), "resetting " + branch),
          () -> client.reset(branch, snapshot));
    }
  }

  @Command(name = "recycle", mixinStandardHelpOptions = true, description = "Put a recyclable branch back to its snapshot "
      + "in place (same container): faster than a reset.")
  static final class Recycle extends UserCommand {
    @Parameters(paramLabel = "BRANCH")
    String branch;

    @Override
    int run(StagDbClient client, Output out) {
      return DatabaseCommands.changed(out, "recycled", Progress.of(err(), "recycling " + branch),
          () -> client.recycle(branch));
    }
  }
}
