package io.stagdb.domain.port.in;

import io.stagdb.domain.port.out.EngineStats;
import io.stagdb.domain.port.out.RuntimeStats;
import io.stagdb.domain.port.out.VolumeUsage;

/**
 * What {@code stats} reports: the container's and the engine's figures ({@code null} when it is
 * not running) and the storage.
 */
public record DatabaseStats(RuntimeStats runtime, EngineStats engine, VolumeUsage storage) {
}
