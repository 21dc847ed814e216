package io.stagdb.domain.port.in;

import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.EngineSettings;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.ResourceRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request to create a database from scratch.
 *
 * @param port a host port to publish on, or {@code null} for one from the configured range
 * @param engineSettings PostgreSQL extensions and engine settings (checked with {@link EngineSettings#of})
 * @param ttl  delete it after this long, or {@code null} to keep it
 */
public record CreateDatabase(DatabaseName name, EngineVersion engine, ResourceRequest resources, Integer port,
                             Map<String, String> env, List<String> initScripts, EngineSettings engineSettings, Duration ttl,
                             Map<String, String> labels) {

  public CreateDatabase {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(engine, "engine");
    resources = resources == null ? ResourceRequest.DEFAULTS : resources;
    env = env == null ? Map.of() : Map.copyOf(env);
    initScripts = initScripts == null ? List.of() : List.copyOf(initScripts);
    engineSettings = engineSettings == null ? EngineSettings.NONE : engineSettings;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public static CreateDatabase of(DatabaseName name, EngineVersion engine) {
    return new CreateDatabase(name, engine, null, null, null, null, null, null, null);
  }
}
