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
 * @param standbys          branches kept ready for each snapshot that is being branched from
 *                          (0: none), so the next branch of it is handed over at once
 * @param standbyIdle       how long an unused standby is kept
 * @param standbyMax        most standbys kept for one snapshot, counting branches given back
 *                          ({@code release}) to be kept ready for the next run
 */
public record StagDbSettings(ResourcePolicy resources, PortRange ports, Duration readyTimeout,
                             Map<String, String> labels, Duration lockWait, Duration maxTtl, int backgroundThreads,
                             int standbys, Duration standbyIdle, int standbyMax) {

  public static final Duration DEFAULT_LOCK_WAIT = Duration.ofSeconds(15);
  public static final Duration DEFAULT_MAX_TTL = Duration.ofDays(30);
  public static final int DEFAULT_BACKGROUND_THREADS = 4;
  public static final Duration DEFAULT_STANDBY_IDLE = Duration.ofMinutes(10);

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
    if (standbys < 0) {
      throw new IllegalArgumentException("standbys must not be negative");
    }
    standbyIdle = standbyIdle == null ? DEFAULT_STANDBY_IDLE : standbyIdle;
    standbyMax = Math.max(standbys, standbyMax);
  }

  /** No standbys: what embedders and the domain's tests get unless they ask. */
  public StagDbSettings(ResourcePolicy resources, PortRange ports, Duration readyTimeout, Map<String, String> labels) {
    this(resources, ports, readyTimeout, labels, null, null, DEFAULT_BACKGROUND_THREADS, 0, null, 0);
  }

  public static StagDbSettings defaults() {
    return new StagDbSettings(ResourcePolicy.STANDARD, new PortRange(15432, 16431), Duration.ofSeconds(120), Map.of());
  }

  public StagDbSettings withPorts(PortRange range) {
    return new StagDbSettings(resources, range, readyTimeout, labels, lockWait, maxTtl, backgroundThreads, standbys, standbyIdle, standbyMax);
  }

  public StagDbSettings withReadyTimeout(Duration timeout) {
    return new StagDbSettings(resources, ports, timeout, labels, lockWait, maxTtl, backgroundThreads, standbys, standbyIdle, standbyMax);
  }

  public StagDbSettings withLabels(Map<String, String> newLabels) {
    return new StagDbSettings(resources, ports, readyTimeout, newLabels, lockWait, maxTtl, backgroundThreads, standbys, standbyIdle, standbyMax);
  }

  public StagDbSettings withStandbys(int perSnapshot) {
    return new StagDbSettings(resources, ports, readyTimeout, labels, lockWait, maxTtl, backgroundThreads, perSnapshot,
        standbyIdle, Math.max(perSnapshot, standbyMax));
  }

  public StagDbSettings withLockWait(Duration wait) {
    return new StagDbSettings(resources, ports, readyTimeout, labels, wait, maxTtl, backgroundThreads, standbys, standbyIdle, standbyMax);
  }
}
