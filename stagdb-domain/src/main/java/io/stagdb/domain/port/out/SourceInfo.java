package io.stagdb.domain.port.out;

/**
 * What a live source is, as probed from the target's container before anything is copied.
 *
 * @param serverVersion the source's version as it reports it, e.g. {@code 15.10} or {@code 10.11.6-MariaDB}
 * @param tool          the dump tool of the target's image with its version ({@code pg_dump 15.10}), or
 *                      {@code null} when its version does not follow the server's
 * @param objects       the tables (collections) to copy
 * @param bytes         the source database's size
 */
public record SourceInfo(String serverVersion, String tool, long objects, long bytes) {
}
