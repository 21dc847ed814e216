package io.stagdb.domain.port.out;

/** One-shot resource figures of a database's container. */
public record RuntimeStats(double cpuPercent, long memoryUsedBytes, long memoryLimitBytes,
                           long networkRxBytes, long networkTxBytes, long blockReadBytes, long blockWriteBytes) {
}
