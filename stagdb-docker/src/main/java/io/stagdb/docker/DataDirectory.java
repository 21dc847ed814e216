package io.stagdb.docker;

import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.port.out.VolumeIo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The engine's files inside a volume. They live in {@value #ENGINE_FILES}/, never at the mount point
 * (as PostgreSQL's manual advises for any secondary file system): when the volume is not mounted,
 * after a host reboot or a ZFS daemon restart, that directory is missing and Docker refuses to
 * start the container, even on its own restart policy, instead of the engine initialising an empty
 * database on the bare mount point.
 */
final class DataDirectory {
  static final String ENGINE_FILES = "data";

  private DataDirectory() {
  }

  /**
   * Creates the engine's directory in a fresh volume and gives it to the engine's uid (a cloned one
   * already is); for a MongoDB replica set, writes its key file once. Returns the directory.
   */
  static Path prepare(Path volume, EngineProfile profile, boolean mongoReplicaSet) {
    return VolumeIo.within("preparing " + volume, () -> prepareNow(volume, profile, mongoReplicaSet));
  }

  private static Path prepareNow(Path volume, EngineProfile profile, boolean mongoReplicaSet) {
    Path data = volume.resolve(ENGINE_FILES);
    try {
      if (!Files.isDirectory(volume)) {
        throw new InfrastructureException("volume directory " + volume + " does not exist");
      }
      Files.createDirectories(data);
      if (!Integer.valueOf(profile.uid()).equals(Files.getAttribute(data, "unix:uid"))) {
        Files.setAttribute(data, "unix:uid", profile.uid());
        Files.setAttribute(data, "unix:gid", profile.uid());
      }
      if (profile.isMongo() && mongoReplicaSet) {
        Path keyFile = data.resolve(MongoEngineClient.KEY_FILE);
        if (!Files.exists(keyFile)) {
          byte[] key = new byte[512];
          new SecureRandom().nextBytes(key);
          Files.writeString(keyFile, Base64.getEncoder().encodeToString(key));
          Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("r--------"));
          Files.setAttribute(keyFile, "unix:uid", profile.uid());
          Files.setAttribute(keyFile, "unix:gid", profile.uid());
        }
      }
    } catch (IOException | UnsupportedOperationException e) {
      throw new InfrastructureException("cannot prepare " + data + " for uid " + profile.uid() + ": " + e.getMessage(), e);
    }
    return data;
  }

  /** The volume a bind source belongs to: the parent of the engine-files directory, or {@code null}. */
  static Path volumeOf(String bindSource) {
    if (bindSource == null) {
      return null;
    }
    Path source = Path.of(bindSource);
    return source.getFileName() != null && source.getFileName().toString().equals(ENGINE_FILES) ? source.getParent() : null;
  }
}
