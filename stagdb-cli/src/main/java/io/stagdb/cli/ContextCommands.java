package io.stagdb.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stagdb context add|use|list|remove|current}: named servers in the contexts file. */
@Command(name = "context", mixinStandardHelpOptions = true, description = "Named servers (URL, API key, CA file) in "
    + "~/.config/stagdb/contexts.yaml.", subcommands = {ContextCommands.Add.class, ContextCommands.Use.class,
        ContextCommands.ListAll.class, ContextCommands.Remove.class, ContextCommands.Current.class})
final class ContextCommands extends CommandGroup {

  abstract static class ContextCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    final Contexts contexts = Contexts.forUser(System.getenv());

    void say(String line) {
      spec.commandLine().getOut().println(line);
      spec.commandLine().getOut().flush();
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Add (or replace) a context. The API key comes "
      + "from --api-key-stdin, a prompt on a terminal, or $STAGDB_API_KEY.")
  static final class Add extends ContextCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--url", required = true, paramLabel = "URL")
    String url;

    @Option(names = "--api-key-stdin", description = "read the API key from standard input")
    boolean keyFromStdin;

    @Option(names = "--ca-file", paramLabel = "FILE", description = "the PEM CA that signed the server's certificate")
    String caFile;

    @Option(names = "--use", description = "make it the current context")
    boolean use;

    @Override
    public Integer call() throws IOException {
      if (!url.startsWith("http://") && !url.startsWith("https://")) {
        throw new IllegalArgumentException("--url must start with http:// or https://");
      }
      String key = null;
      Console console = System.console();
      if (keyFromStdin) {
        key = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      } else if (console != null) {
        char[] typed = console.readPassword("API key for %s (empty: none): ", url);
        key = typed == null ? null : new String(typed);
      } else {
        key = System.getenv("STAGDB_API_KEY");
      }
      Contexts.File file = contexts.read();
      Map<String, Contexts.Context> all = new TreeMap<>(file.contexts());
      all.put(name, new Contexts.Context(url, key == null || key.isBlank() ? null : key.strip(), caFile));
      String current = use || file.current() == null ? name : file.current();
      contexts.write(new Contexts.File(current, all));
      say("context " + name + " saved in " + contexts.path() + (name.equals(current) ? " (current)" : ""));
      return ExitCodes.OK;
    }
  }

  @Command(name = "use", mixinStandardHelpOptions = true, description = "Make a context the current one.")
  static final class Use extends ContextCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      Contexts.File file = contexts.read();
      file.require(name);
      contexts.write(new Contexts.File(name, file.contexts()));
      say("current context: " + name);
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List contexts (keys not shown).")
  static final class ListAll extends ContextCommand {
    @Override
    public Integer call() {
      Contexts.File file = contexts.read();
      Output out = new Output(spec.commandLine().getOut(), Output.Format.TABLE, java.time.Instant.now());
      out.table(List.of("CURRENT", "NAME", "URL", "API KEY", "CA FILE"), file.contexts().entrySet().stream()
          .map(e -> List.of(e.getKey().equals(file.current()) ? "*" : "", e.getKey(), e.getValue().url(),
              e.getValue().apiKey() == null ? "" : "set", e.getValue().caFile() == null ? "" : e.getValue().caFile()))
          .toList());
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }

  @Command(name = "remove", aliases = "rm", mixinStandardHelpOptions = true, description = "Remove a context.")
  static final class Remove extends ContextCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      Contexts.File file = contexts.read();
      file.require(name);
      Map<String, Contexts.Context> all = new TreeMap<>(file.contexts());
      all.remove(name);
      contexts.write(new Contexts.File(name.equals(file.current()) ? null : file.current(), all));
      say("context " + name + " removed");
      return ExitCodes.OK;
    }
  }

  @Command(name = "current", mixinStandardHelpOptions = true, description = "Which server the commands talk to now, "
      + "and why.")
  static final class Current extends ContextCommand {
    @CommandLine.Mixin
    Target target = new Target();

    @Override
    public Integer call() {
      Target.Resolved r = target.resolve();
      say("url: " + r.url() + (r.context() == null ? "" : " (context " + r.context() + ")"));
      say("api key: " + (r.apiKey() == null ? "none" : "set"));
      if (r.caFile() != null) {
        say("ca file: " + r.caFile());
      }
      return ExitCodes.OK;
    }
  }
}
