package io.stagdb.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.BindOptions;
import com.github.dockerjava.api.model.BindPropagation;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.port.out.VolumeStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An engine that can be moved to another volume while its container runs on: how a recycle swaps
 * in a fresh clone made ahead instead of rolling its volume back.
 *
 * <p>A restartable container on a grouped volume ({@link VolumeStore}: its group's volumes are
 * mounted side by side in a directory of their own) is given that directory at the engine's usual
 * data directory, with mount propagation from the host ({@code rslave}), so a volume of the group
 * mounted later is seen inside. The engine finds its files through a symbolic link in the control
 * directory, {@value #INSIDE} → {@code <data dir>/<volume>/data}; moving a halted engine is
 * replacing that link (atomically), and the next resume starts the engine on the other volume.
 *
 * <p>Propagation needs the host mount that holds the group's directory to be shared (systemd makes
 * {@code /} shared; {@code mount --make-rshared /} does it by hand). When it is not, the container
 * is bound to its volume as any other and a recycle rolls the volume back instead.
 */
final class VolumeLink {
  private static final Logger LOG = LoggerFactory.getLogger(VolumeLink.class);
  private static final String NAME = "data";
  /** Where the engine is told its files are. */
  static final String INSIDE = Supervisor.CONTROL_INSIDE + "/" + NAME;
  private static final AtomicBoolean TOLD_UNSHARED = new AtomicBoolean();

  private VolumeLink() {
  }

  /** Whether a restartable container of {@code profile} on the volume at {@code volume} can be moved. */
  static boolean movable(Path volume, EngineProfile profile) {
    if (profile.isMongo() || VolumeStore.groupOf(volume.getFileName().toString()) == null) {
      return false;   // MongoDB's entry point runs again on every resume and is left as it is
    }
    boolean shared = MountTable.propagates(volume.getParent());
    if (!shared && TOLD_UNSHARED.compareAndSet(false, true)) {
      LOG.info("the mount holding {} is not shared: recycles roll volumes back instead of swapping in a fresh clone"
          + " ('mount --make-rshared /' makes it shared, as systemd does)", volume.getParent());
    }
    return shared;
  }

  /** The group's directory, bound at the engine's data directory with propagation from the host. */
  static Mount groupMount(Path volume, EngineProfile profile) {
    return new Mount().withType(MountType.BIND).withSource(volume.getParent().toString()).withTarget(profile.dataDir())
        .withBindOptions(new BindOptions().withPropagation(BindPropagation.R_SLAVE));
  }

  /** Points the engine of the container with control directory {@code control} at the files of {@code volume}. */
  static void point(Path control, EngineProfile profile, Path volume) {
    point(control, profile.dataDir(), volume);
  }

  /**
   * Points a movable container's engine at the files of {@code volume}, another volume of the same
   * group; {@code false} when the container is not movable, or that volume's files are not there.
   */
  static boolean move(Path control, Path volume) {
    try {
      Path now = control == null ? null : Files.readSymbolicLink(control.resolve(NAME));
      if (now == null || now.getNameCount() < 3 || !Files.isDirectory(volume.resolve(DataDirectory.ENGINE_FILES))) {
        return false;
      }
      point(control, now.getParent().getParent().toString(), volume);
      return true;
    } catch (NoSuchFileException | NotLinkException notMovable) {
      return false;
    } catch (IOException e) {
      throw new InfrastructureException("cannot read " + control.resolve(NAME) + ": " + e.getMessage(), e);
    }
  }

  private static void point(Path control, String dataDir, Path volume) {
    String target = dataDir + "/" + volume.getFileName() + "/" + DataDirectory.ENGINE_FILES;
    Path link = control.resolve(NAME);
    Path fresh = control.resolve(NAME + ".next");
    try {
      Files.deleteIfExists(fresh);
      Files.createSymbolicLink(fresh, Path.of(target));
      Files.move(fresh, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new InfrastructureException("cannot point " + link + " at " + target + ": " + e.getMessage(), e);
    }
  }

  /** The volume (its name) the engine of the container with control directory {@code control} is pointed at, or {@code null}. */
  static String volumeIn(Path control) {
    try {
      Path target = Files.readSymbolicLink(control.resolve(NAME));
      return target.getNameCount() < 2 ? null : target.getName(target.getNameCount() - 2).toString();
    } catch (NoSuchFileException | NotLinkException none) {
      return null;
    } catch (IOException e) {
      throw new InfrastructureException("cannot read " + control.resolve(NAME) + ": " + e.getMessage(), e);
    }
  }

  /**
   * The volume a moved engine runs on, on this host, and where its files are inside its container;
   * {@code null} for a container that cannot be moved.
   */
  static Located locate(InspectContainerResponse inspected) {
    Path control = Supervisor.controlOf(inspected);
    String volume = control == null ? null : volumeIn(control);
    if (volume == null || inspected.getMounts() == null) {
      return null;
    }
    for (InspectContainerResponse.Mount m : inspected.getMounts()) {
      if (m.getSource() != null && m.getDestination() != null && !Supervisor.CONTROL_INSIDE.equals(m.getDestination().getPath())) {
        String inside = m.getDestination().getPath() + "/" + volume + "/" + DataDirectory.ENGINE_FILES;
        return new Located(Path.of(m.getSource()).resolve(volume), inside);
      }
    }
    return null;
  }

  /** A moved engine's volume on this host and its files inside the container. */
  record Located(Path volume, String filesInside) {
  }

  /** The engine settings that make it use {@value #INSIDE}: variables to add, and arguments. */
  static void pointEngine(EngineProfile profile, List<String> env, List<String> command) {
    switch (profile.engine().engine()) {
      case POSTGRESQL -> env.add("PGDATA=" + INSIDE);
      case MYSQL, MARIADB -> command.add("--datadir=" + INSIDE);
      case MONGODB -> throw new IllegalArgumentException("a MongoDB container is not moved");
    }
  }
}
