package io.stagdb.domain.port.out;

/**
 * Storage figures of a volume, in bytes.
 *
 * @param used       space the volume and its snapshots consume
 * @param referenced data the volume can read, shared blocks included
 * @param quota      its limit, 0 when none
 * @param available  what it may still write
 * @param written    written since its latest snapshot, or {@code null} where the store cannot tell (zfs-fuse)
 */
public record VolumeUsage(long used, long referenced, long quota, long available, Long written) {
}
