package io.stagdb.cli;

import picocli.CommandLine;

/**
 * The user commands of {@code stagdb}, added by the server's command line beside its own
 * ({@code serve}, {@code keys}, {@code doctor}, {@code reconcile}). Each talks to a server through
 * the Java client; see {@link Target} for where the server and key come from and {@link ExitCodes}
 * for what the exit status means.
 */
public final class UserCommands {
  private UserCommands() {
  }

  /** Adds every user command to {@code root}. */
  public static CommandLine addTo(CommandLine root) {
    root.addSubcommand(new DatabaseCommands());
    root.addSubcommand(new SnapshotCommands());
    root.addSubcommand(new BranchCommands.Group());
    root.addSubcommand(new BranchCommands.Reset());
    root.addSubcommand(new BranchCommands.Recycle());
    root.addSubcommand(new InspectCommands.Stats());
    root.addSubcommand(new InspectCommands.Logs());
    root.addSubcommand(new InspectCommands.Connect());
    root.addSubcommand(new WebhookCommands());
    root.addSubcommand(new ContextCommands());
    root.addSubcommand(new CompletionCommand());
    return root;
  }
}
