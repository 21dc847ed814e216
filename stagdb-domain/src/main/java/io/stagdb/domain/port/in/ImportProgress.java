package io.stagdb.domain.port.in;

import java.time.Duration;
import java.time.Instant;

/**
 * How far the import of a database from its live source has got, while it is IMPORTING.
 *
 * @param phase        {@code dump} (read from the source) or {@code restore} (written into the database)
 * @param objectsDone  tables (collections) done in this phase
 * @param objectsTotal tables (collections) in the source
 * @param bytesDone    bytes written into the database's volume so far
 * @param bytesTotal   the source database's size
 * @param startedAt    when the copy began
 * @param elapsed      the time since
 */
public record ImportProgress(String phase, long objectsDone, long objectsTotal, long bytesDone, long bytesTotal,
                             Instant startedAt, Duration elapsed) {
}
