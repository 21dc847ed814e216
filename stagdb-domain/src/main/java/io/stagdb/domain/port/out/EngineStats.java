package io.stagdb.domain.port.out;

/** What the engine itself reports: the size of its data and how many sessions are open. */
public record EngineStats(long sizeBytes, int connections) {
}
