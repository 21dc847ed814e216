package io.stagdb.domain.port.in;

import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.EngineSettings;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.ImportSource;
import io.stagdb.domain.model.RefreshPolicy;
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
 * @param source a live database to copy the data in from (the new database is IMPORTING meanwhile), or {@code null}
 * @param refresh when to copy it again and how many import snapshots to keep (with a source only; default: on request, 3)
 */
public record CreateDatabase(DatabaseName name, EngineVersion engine, ResourceRequest resources, Integer port,
                             Map<String, String> env, List<String> initScripts, EngineSettings engineSettings, Duration ttl,
                             Map<String, String> labels, ImportSource source,
                             RefreshPolicy refresh) {

  public CreateDatabase {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(engine, "engine");
    resources = resources == null ? ResourceRequest.DEFAULTS : resources;
    env = env == null ? Map.of() : Map.copyOf(env);
    initScripts = initScripts == null ? List.of() : List.copyOf(initScripts);
    engineSettings = engineSettings == null ? EngineSettings.NONE : engineSettings;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    if (source != null) {
      source.requireCopiesInto(engine.engine());
    } else if (refresh != null) {
      throw new io.stagdb.domain.error.InvalidRequestException("source.refresh", "needs a source.url to refresh from");
    }
  }

  /** A create with no source to import from. */
  public CreateDatabase(DatabaseName name, EngineVersion engine, ResourceRequest resources, Integer port,
                        Map<String, String> env, List<String> initScripts, EngineSettings engineSettings, Duration ttl,
                        Map<String, String> labels) {
    this(name, engine, resources, port, env, initScripts, engineSettings, ttl, labels, null, null);
  }

  public static CreateDatabase of(DatabaseName name, EngineVersion engine) {
    return new CreateDatabase(name, engine, null, null, null, null, null, null, null);
  }
}
