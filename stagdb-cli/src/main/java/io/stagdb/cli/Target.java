package io.stagdb.cli;

import io.stagdb.client.StagDbClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The server a user command talks to and how it prints, from (first that says) the flags, an
 * explicitly chosen {@code --context}, the environment ({@code STAGDB_URL}, {@code STAGDB_API_KEY},
 * {@code STAGDB_CA_FILE}, {@code STAGDB_OUTPUT}), the contexts file's current context, and last
 * {@code http://127.0.0.1:8080}.
 */
final class Target {
  static final String DEFAULT_URL = "http://127.0.0.1:8080";

  @Option(names = "--url", paramLabel = "URL", description = "the stagDB server (default: $STAGDB_URL, the context's, "
      + DEFAULT_URL + ")")
  String url;

  @Option(names = "--api-key", paramLabel = "KEY",
      description = "the API key (visible to other users in the process list: prefer $STAGDB_API_KEY or --api-key-file)")
  String apiKey;

  @Option(names = "--api-key-file", paramLabel = "FILE", description = "read the API key from this file")
  Path apiKeyFile;

  @Option(names = "--context", paramLabel = "NAME", description = "a server from the contexts file (default: "
      + "$STAGDB_CONTEXT, the file's current one)")
  String context;

  @Option(names = "--ca-file", paramLabel = "FILE", description = "trust the server's certificate if this PEM CA signed it "
      + "(default: $STAGDB_CA_FILE, the context's)")
  Path caFile;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table (default, or $STAGDB_OUTPUT) or json: "
      + "exactly the API's objects")
  String output;

  /** What was resolved, for messages and {@code context current}. */
  record Resolved(URI url, String apiKey, Path caFile, String context) {
  }

  Resolved resolve() {
    Map<String, String> env = System.getenv();
    Contexts.File file = Contexts.forUser(env).read();
    String chosen = context != null ? context : env.get("STAGDB_CONTEXT");
    Contexts.Context ctx = null;
    if (chosen != null) {
      ctx = file.require(chosen);
    }
    boolean explicit = context != null;
    Contexts.Context current = ctx != null ? ctx : file.current() == null ? null : file.contexts().get(file.current());
    String name = ctx != null ? chosen : current == null ? null : file.current();
    String u = first(url, explicit ? current.url() : null, env.get("STAGDB_URL"), current == null ? null : current.url(),
        DEFAULT_URL);
    String key = first(apiKey, keyFromFile(), explicit ? current.apiKey() : null, env.get("STAGDB_API_KEY"),
        current == null ? null : current.apiKey());
    String ca = first(caFile == null ? null : caFile.toString(), explicit ? current.caFile() : null,
        env.get("STAGDB_CA_FILE"), current == null ? null : current.caFile());
    URI uri;
    try {
      uri = URI.create(u);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the server URL '" + u + "' is not a URL");
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("the server URL '" + u + "' must be http://HOST[:PORT] or https://HOST[:PORT]");
    }
    return new Resolved(uri, key, ca == null ? null : Path.of(ca), name);
  }

  StagDbClient client() {
    Resolved r = resolve();
    if (r.caFile() != null && !Files.isReadable(r.caFile())) {
      throw new IllegalArgumentException("cannot read the CA file " + r.caFile());
    }
    return StagDbClient.create(r.url(), r.apiKey(), Duration.ofMinutes(10), r.caFile());
  }

  Output output(PrintWriter out) {
    String format = first(output, System.getenv("STAGDB_OUTPUT"), "table").toLowerCase(Locale.ROOT);
    return switch (format) {
      case "table" -> new Output(out, Output.Format.TABLE, Clock.systemUTC().instant());
      case "json" -> new Output(out, Output.Format.JSON, Clock.systemUTC().instant());
      default -> throw new IllegalArgumentException("--output must be table or json, not '" + format + "'");
    };
  }

  private String keyFromFile() {
    if (apiKeyFile == null) {
      return null;
    }
    try {
      return Files.readString(apiKeyFile).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the API key file " + apiKeyFile + ": " + e.getMessage());
    }
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }
}
