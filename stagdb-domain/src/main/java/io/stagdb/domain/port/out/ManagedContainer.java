package io.stagdb.domain.port.out;

import java.nio.file.Path;

import io.stagdb.domain.model.DatabaseId;

/**
 * A container the runtime manages, as found, with the exit code of a crashed one and the volume
 * path it runs on ({@code null} when unknown).
 */
public record ManagedContainer(DatabaseId id, String name, ContainerState state, Integer exitCode, Path dataPath) {
}
