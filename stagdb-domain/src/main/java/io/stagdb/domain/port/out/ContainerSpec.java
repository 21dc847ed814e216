package io.stagdb.domain.port.out;

import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.EngineSettings;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.Resources;
import java.nio.file.Path;
import java.util.Map;

/**
 * What to run: an engine on a data directory with limits, a host port and credentials.
 *
 * @param credentials the login to create on a fresh data directory; a cloned one keeps its own
 * @param dataPath    where the volume is mounted on the host
 * @param engineSettings the engine settings to run with (extensions are created once, by the domain)
 * @param restartable the engine can be halted and resumed inside its running container
 *                    ({@link DatabaseRuntime#halt}), which makes recycling much faster than a
 *                    container restart
 */
public record ContainerSpec(DatabaseId id, DatabaseName name, EngineVersion engine, Resources resources,
                            int hostPort, Credentials credentials, Map<String, String> env, Path dataPath,
                            Map<String, String> labels, boolean restartable, EngineSettings engineSettings) {

  public ContainerSpec {
    env = Map.copyOf(env);
    labels = Map.copyOf(labels);
    engineSettings = engineSettings == null ? EngineSettings.NONE : engineSettings;
  }

  public ContainerSpec(DatabaseId id, DatabaseName name, EngineVersion engine, Resources resources, int hostPort,
                       Credentials credentials, Map<String, String> env, Path dataPath, Map<String, String> labels,
                       boolean restartable) {
    this(id, name, engine, resources, hostPort, credentials, env, dataPath, labels, restartable, EngineSettings.NONE);
  }

  public ContainerSpec(DatabaseId id, DatabaseName name, EngineVersion engine, Resources resources, int hostPort,
                       Credentials credentials, Map<String, String> env, Path dataPath, Map<String, String> labels) {
    this(id, name, engine, resources, hostPort, credentials, env, dataPath, labels, false);
  }

  /** The same spec on another data path (a container moved to another volume). */
  public ContainerSpec on(Path otherData) {
    return new ContainerSpec(id, name, engine, resources, hostPort, credentials, env, otherData, labels, restartable,
        engineSettings);
  }
}
