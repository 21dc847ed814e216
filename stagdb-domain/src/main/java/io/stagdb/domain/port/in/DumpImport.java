package io.stagdb.domain.port.in;

import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.DumpFormat;
import java.time.Duration;

/**
 * A dump loaded into a database by upload.
 *
 * @param bytes how much of the dump was read
 * @param took  from the first byte to the engine done
 */
public record DumpImport(DatabaseName database, DumpFormat format, long bytes, Duration took) {
}
