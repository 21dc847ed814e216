package io.stagdb.domain.model;

/**
 * Limits of one database: memory and storage in bytes, CPU in thousandths of a core.
 * Bounds are checked by {@link ResourcePolicy}; this record only rules out nonsense.
 */
public record Resources(long memoryBytes, long milliCpus, long storageBytes) {

  public Resources {
    if (memoryBytes <= 0 || milliCpus <= 0 || storageBytes <= 0) {
      throw new IllegalArgumentException("resources must be positive: " + memoryBytes + "/" + milliCpus + "/" + storageBytes);
    }
  }

  @Override
  public String toString() {
    return "memory " + Quantities.formatBytes(memoryBytes) + ", cpu " + Quantities.formatMilliCpus(milliCpus)
        + ", storage " + Quantities.formatBytes(storageBytes);
  }
}
