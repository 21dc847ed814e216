package io.stagdb.domain.model;

import io.stagdb.domain.error.InvalidRequestException;
import java.util.Objects;

/** An engine at one of its supported versions, e.g. PostgreSQL 15. */
public record EngineVersion(Engine engine, String version) {

  public EngineVersion {
    Objects.requireNonNull(engine, "engine");
    if (version == null || !engine.versions().contains(version)) {
      throw new InvalidRequestException("version", "unsupported " + engine.id() + " version"
          + (version == null ? "" : " '" + Text.shorten(version) + "'") + "; supported: "
          + String.join(", ", engine.versions()));
    }
  }

  /**
   * Parses API input: an engine name or alias and an optional version (the newest when absent).
   * {@code "15.4"} is accepted for a major-versioned engine and means {@code 15}.
   */
  public static EngineVersion parse(String type, String version) {
    Engine engine = Engine.parse("type", type);
    if (version == null || version.isBlank()) {
      return new EngineVersion(engine, engine.latestVersion());
    }
    String v = version.trim();
    if (engine == Engine.POSTGRESQL && v.matches("\\d+\\.\\d+") && engine.versions().contains(v.substring(0, v.indexOf('.')))) {
      v = v.substring(0, v.indexOf('.'));
    }
    return new EngineVersion(engine, v);
  }

  @Override
  public String toString() {
    return engine.id() + " " + version;
  }
}
