package io.stagdb.docker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How the Docker runtime runs databases.
 *
 * @param dockerHost      the engine's address ({@code unix:///var/run/docker.sock}, {@code tcp://...});
 *                        {@code null} for {@code DOCKER_HOST} or the default socket
 * @param bindAddress     where database ports are published on the host, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param images          image overrides keyed {@code <engine>.<version>}, e.g. {@code postgresql.15}
 * @param containerPrefix prefix of container and network names, e.g. {@code stagdb-}
 * @param instanceLabels  labels put on, and required of, every container this runtime manages
 *                        (tells apart several stagDB instances, or test runs, on one engine)
 * @param pullImages      pull a missing image (with progress logged) instead of failing
 * @param mongoReplicaSet run MongoDB as a one-member replica set
 * @param stopTimeout     how long a clean stop may take before the engine is killed
 * @param controlDir      where the control directories of restartable containers are made on this host
 *                        (one a database, bound into its container; never on a volume), e.g.
 *                        {@code /var/lib/stagdb/control}
 */
public record DockerSettings(String dockerHost, String bindAddress, Map<String, String> images, String containerPrefix,
                             Map<String, String> instanceLabels, boolean pullImages, boolean mongoReplicaSet,
                             Duration stopTimeout, Path controlDir) {

  public DockerSettings {
    Objects.requireNonNull(bindAddress, "bindAddress");
    images = images == null ? Map.of() : Map.copyOf(images);
    instanceLabels = instanceLabels == null ? Map.of() : Map.copyOf(instanceLabels);
    containerPrefix = containerPrefix == null ? "stagdb-" : containerPrefix;
    stopTimeout = stopTimeout == null ? Duration.ofSeconds(30) : stopTimeout;
    Objects.requireNonNull(controlDir, "controlDir");
    controlDir = controlDir.toAbsolutePath();
  }

  /** The defaults, with restartable containers' control directories in {@code controlDir}. */
  public static DockerSettings defaults(Path controlDir) {
    return new DockerSettings(null, "0.0.0.0", Map.of(), "stagdb-", Map.of(), true, false, Duration.ofSeconds(30), controlDir);
  }

  /** The host stagDB itself connects to for readiness checks and credential changes. */
  String connectHost() {
    return bindAddress.equals("0.0.0.0") || bindAddress.equals("::") ? "127.0.0.1" : bindAddress;
  }
}
