package io.stagdb.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code stagdb completion bash|zsh}: the shell completion script of the whole command (picocli's). */
@Command(name = "completion", mixinStandardHelpOptions = true, description = "Print a completion script: "
    + "'source <(stagdb completion bash)', or for zsh 'source <(stagdb completion zsh)'.")
final class CompletionCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "bash or zsh")
  String shell;

  @Override
  public Integer call() {
    String script = AutoComplete.bash(spec.root().name(), spec.root().commandLine());
    switch (shell) {
      case "bash" -> spec.commandLine().getOut().print(script);
      case "zsh" -> spec.commandLine().getOut().print(
          "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script);
      default -> throw new IllegalArgumentException("completion is for bash or zsh, not '" + shell + "'");
    }
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
