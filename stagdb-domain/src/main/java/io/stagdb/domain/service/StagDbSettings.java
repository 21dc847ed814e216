package io.stagdb.domain.service;

import io.stagdb.domain.model.PortRange;
import io.stagdb.domain.model.ResourcePolicy;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Tunables of the domain service.
 *
 * @param labels            labels put on every container, e.g. the run id of a test run
 * @param lockWait          how long an operation waits for another one on the same names before
 *                          it answers busy
 * @param maxTtl            the longest TTL a database or branch may ask for
 * @param backgroundThreads threads finishing creations and deletions after they were answered
 */
public record StagDbSettings(ResourcePolicy resources, PortRange ports, Duration readyTimeout,
                             Map<String, String> labels, Duration lockWait, Duration maxTtl, int backgroundThreads) {

  public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(15);
  public static final Duration DEFAULT_MAX_TTL = Duration.ofDays(30);
  public static final int DEFAULT_BACKGROUND_THREADS = 4;

  public StagDbSettings {
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(ports, "ports");
    Objects.requireNonNull(readyTimeout, "readyTimeout");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    lockWait = lockWait == null ? DEFAULT_LOCK_WAIT : lockWait;
    maxTtl = maxTtl == null ? DEFAULT_MAX_TTL : maxTtl;
    if (backgroundThreads < 1) {
      throw new IllegalArgumentException("backgroundThreads must be at least 1");
    }
  }

  public StagDbSettings(ResourcePolicy resources, PortRange ports, Duration readyTimeout, Map<String, String> labels) {
    this(resources, ports, readyTimeout, labels, null, null, DEFAULT_BACKGROUND_THREADS);
  }

  public static StagDbSettings defaults() {
    return new StagDbSettings(ResourcePolicy.STANDARD, new PortRange(15432, 16431), Duration.ofSeconds(120), Map.of());
  }

  public StagDbSettings withPorts(PortRange range) {
    return new StagDbSettings(resources, range, readyTimeout, labels, lockWait, maxTtl, backgroundThreads);
  }

  public StagDbSettings withReadyTimeout(Duration timeout) {
    return new StagDbSettings(resources, ports, timeout, labels, lockWait, maxTtl, backgroundThreads);
  }

  public StagDbSettings withLabels(Map<String, String> newLabels) {
    return new StagDbSettings(resources, ports, readyTimeout, newLabels, lockWait, maxTtl, backgroundThreads);
  }

  public StagDbSettings withLockWait(Duration wait) {
    return new StagDbSettings(resources, ports, readyTimeout, labels, wait, maxTtl, backgroundThreads);
  }
}
