package io.stagdb.domain.port.out;

import io.stagdb.domain.model.DatabaseId;

/** A container the runtime manages, as found, with the exit code of a crashed one. */
public record ManagedContainer(DatabaseId id, String name, ContainerState state, Integer exitCode) {
}
