package io.stagdb.domain.service;

import io.stagdb.domain.model.PortRange;
import io.stagdb.domain.model.ResourcePolicy;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Tunables of the domain service.
 *
 * @param labels labels put on every container, e.g. the run id of a test run
 */
public record StagDbSettings(ResourcePolicy resources, PortRange ports, Duration readyTimeout,
                             Map<String, String> labels) {

  public StagDbSettings {
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(ports, "ports");
    Objects.requireNonNull(readyTimeout, "readyTimeout");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public static StagDbSettings defaults() {
    return new StagDbSettings(ResourcePolicy.STANDARD, new PortRange(15432, 16431), Duration.ofSeconds(120), Map.of());
  }

  public StagDbSettings withPorts(PortRange range) {
    return new StagDbSettings(resources, range, readyTimeout, labels);
  }

  public StagDbSettings withReadyTimeout(Duration timeout) {
    return new StagDbSettings(resources, ports, timeout, labels);
  }

  public StagDbSettings withLabels(Map<String, String> newLabels) {
    return new StagDbSettings(resources, ports, readyTimeout, newLabels);
  }
}
