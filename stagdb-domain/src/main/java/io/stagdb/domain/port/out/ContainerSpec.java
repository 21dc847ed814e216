package io.stagdb.domain.port.out;

import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.Resources;
import java.nio.file.Path;
import java.util.Map;

/**
 * What to run: an engine on a data directory with limits, a host port and credentials.
 *
 * @param credentials the login to create on a fresh data directory; a cloned one keeps its own
 * @param dataPath    where the volume is mounted on the host
 */
public record ContainerSpec(DatabaseId id, DatabaseName name, EngineVersion engine, Resources resources,
                            int hostPort, Credentials credentials, Map<String, String> env, Path dataPath,
                            Map<String, String> labels) {

  public ContainerSpec {
    env = Map.copyOf(env);
    labels = Map.copyOf(labels);
  }
}
