package io.stagdb.docker;

import io.stagdb.domain.model.Engine;
import java.nio.file.Path;

/**
 * What a container is, fixed when it is made, so it is inspected once: its engine, where it listens,
 * whether its engine can be halted inside it, where its engine's files are on this host
 * ({@code null} when they are not bound from here; the one thing a move, {@link VolumeLink}, changes),
 * and its control directory on this host
 * ({@code null} for a restartable container made before stagDB gave them one), and the uid its
 * engine runs as.
 */
record ContainerFacts(String container, String name, Engine engine, EngineClient.Endpoint endpoint, boolean restartable,
                      Path files, Path control, int uid) {
}
