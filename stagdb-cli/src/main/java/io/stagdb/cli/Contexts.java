package io.stagdb.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/**
 * Named servers to talk to, in {@code $XDG_CONFIG_HOME/stagdb/contexts.yaml} (else
 * {@code ~/.config/stagdb/contexts.yaml}), mode 0600 since it holds API keys:
 *
 * <pre>
 * current: staging
 * contexts:
 *   staging:
 *     url: https://stagdb.internal:8443
 *     apiKey: stagdb_k…
 *     caFile: /etc/stagdb/ca.pem
 * </pre>
 */
final class Contexts {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  /** One server: where, with which key, trusting which CA. */
  record Context(String url, String apiKey, String caFile) {
  }

  /** The file's content. */
  record File(String current, Map<String, Context> contexts) {
    File {
      contexts = contexts == null ? new TreeMap<>() : new TreeMap<>(contexts);
    }

    /** The context of that name, or bad input naming the known ones. */
    Context require(String name) {
      Context context = contexts.get(name);
      if (context == null) {
        throw new IllegalArgumentException("no context '" + name + "'; known: " + contexts.keySet()
            + " (stagdb context add NAME --url URL)");
      }
      return context;
    }
  }

  private final Path path;

  Contexts(Path path) {
    this.path = path;
  }

  /** Where the contexts live for this user: {@code stagdb.contexts} (a system property, for tests), else XDG. */
  static Contexts forUser(Map<String, String> env) {
    String override = System.getProperty("stagdb.contexts");
    if (override != null) {
      return new Contexts(Path.of(override));
    }
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
    return new Contexts(base.resolve("stagdb").resolve("contexts.yaml"));
  }

  Path path() {
    return path;
  }

  File read() {
    if (!Files.exists(path)) {
      return new File(null, null);
    }
    try {
      File file = YAML.readValue(path.toFile(), File.class);
      return file == null ? new File(null, null) : file;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /** Writes the file whole (a temporary file renamed over it), readable by its owner only. */
  void write(File file) {
    try {
      Files.createDirectories(path.getParent());
      Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, YAML.writeValueAsString(file));
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + path + ": " + e.getMessage(), e);
    }
  }
}
