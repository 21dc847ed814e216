package io.stagdb.domain.model;

import io.stagdb.domain.error.InvalidRequestException;

/**
 * The allowed range and the default of each resource; the seed's limits are
 * {@link #STANDARD}: memory 256 MB-4 GB, CPU 0.5-4 cores, storage 1-50 GB.
 */
public record ResourcePolicy(Resources min, Resources max, Resources defaults) {
  private static final long MIB = 1024L * 1024;
  private static final long GIB = 1024 * MIB;

  public static final ResourcePolicy STANDARD = new ResourcePolicy(
      new Resources(256 * MIB, 500, GIB),
      new Resources(4 * GIB, 4000, 50 * GIB),
      new Resources(GIB, 1000, 10 * GIB));

  public ResourcePolicy {
    check("default memory", defaults.memoryBytes(), min.memoryBytes(), max.memoryBytes());
    check("default cpu", defaults.milliCpus(), min.milliCpus(), max.milliCpus());
    check("default storage", defaults.storageBytes(), min.storageBytes(), max.storageBytes());
  }

  private static void check(String what, long value, long low, long high) {
    if (low > high || value < low || value > high) {
      throw new IllegalArgumentException(what + " " + value + " is outside [" + low + ", " + high + "]");
    }
  }

  /** Resolves a request against the defaults (or {@code base}, for branches) and checks every bound. */
  public Resources resolve(String fieldPrefix, ResourceRequest request, Resources base) {
    long memory = request.memory() == null ? base.memoryBytes()
        : Quantities.parseBytes(fieldPrefix + "memory", request.memory());
    long cpu = request.cpu() == null ? base.milliCpus()
        : Quantities.parseMilliCpus(fieldPrefix + "cpu", request.cpu());
    long storage = request.storage() == null ? base.storageBytes()
        : Quantities.parseBytes(fieldPrefix + "storage", request.storage());
    bound(fieldPrefix + "memory", memory, min.memoryBytes(), max.memoryBytes(), Quantities::formatBytes);
    bound(fieldPrefix + "cpu", cpu, min.milliCpus(), max.milliCpus(), Quantities::formatMilliCpus);
    bound(fieldPrefix + "storage", storage, min.storageBytes(), max.storageBytes(), Quantities::formatBytes);
    return new Resources(memory, cpu, storage);
  }

  public Resources resolve(String fieldPrefix, ResourceRequest request) {
    return resolve(fieldPrefix, request, defaults);
  }

  private static void bound(String field, long value, long low, long high, java.util.function.LongFunction<String> fmt) {
    if (value < low || value > high) {
      throw new InvalidRequestException(field, "must be between " + fmt.apply(low) + " and " + fmt.apply(high)
          + " (got " + fmt.apply(value) + ")");
    }
  }
}
