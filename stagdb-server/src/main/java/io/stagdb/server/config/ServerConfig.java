package io.stagdb.server.config;

import io.stagdb.domain.model.PortRange;
import io.stagdb.domain.model.ResourcePolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * stagDB's validated configuration; see {@link ConfigLoader} for the keys, their defaults and
 * where they come from.
 */
public record ServerConfig(
    String apiHost,
    int apiPort,
    String publicHost,
    Path dataDir,
    String zfsRoot,
    String zfsMode,
    String zfsCommand,
    Path mountDir,
    String dockerHost,
    String bindAddress,
    boolean pullImages,
    boolean mongoReplicaSet,
    String containerPrefix,
    Map<String, String> containerLabels,
    PortRange ports,
    Map<String, String> images,
    ResourcePolicy resources,
    long requestsPerSecond,
    long burst,
    long failedAuthPerMinute,
    Duration webhookTimeout,
    List<Duration> webhookBackoff,
    boolean removeOrphans,
    Duration reaperInterval,
    Duration readyTimeout,
    Duration shutdownTimeout,
    Duration lockWait,
    int backgroundThreads,
    Duration maxTtl,
    boolean webhooksAllowPrivateNetworks,
    int standbys,
    Duration standbyIdle,
    int standbyMax,
    Path tlsCertificate,
    Path tlsPrivateKey) {

  public ServerConfig {
    containerLabels = Map.copyOf(containerLabels);
    images = Map.copyOf(images);
    webhookBackoff = List.copyOf(webhookBackoff);
  }

  /** Whether the API serves HTTPS. */
  public boolean tls() {
    return tlsCertificate != null;
  }

  /** The catalog file, in the data directory. */
  public Path catalogFile() {
    return dataDir.resolve("catalog.db");
  }
}
