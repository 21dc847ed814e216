package io.stagdb.domain.port.out;

/**
 * One entry of {@link VolumeStore#list()}: a volume ({@code snapshot == null}) or a snapshot of one.
 *
 * @param originVolume   for a clone, the volume of the snapshot it came from, else {@code null}
 * @param originSnapshot for a clone, that snapshot, else {@code null}
 */
public record VolumeInfo(String volume, String snapshot, String originVolume, String originSnapshot,
                         long used, long referenced, long quota) {

  public boolean isSnapshot() {
    return snapshot != null;
  }
}
