package io.stagdb.cli;

import io.stagdb.client.StagDbClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/** A command that talks to a stagDB server: where, and how to print, come from {@link Target}. */
abstract class UserCommand implements Callable<Integer> {
  @CommandLine.Mixin
  Target target = new Target();

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    Output output = target.output(spec.commandLine().getOut());
    return run(target.client(), output);
  }

  abstract int run(StagDbClient client, Output out) throws Exception;

  PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
