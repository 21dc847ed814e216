package io.stagdb.cli;

import picocli.CommandLine;

/** A command that only groups others ({@code db}, {@code snapshot} …): alone, it is a usage error. */
abstract class CommandGroup implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a subcommand of '" + spec.qualifiedName() + "'");
  }
}
