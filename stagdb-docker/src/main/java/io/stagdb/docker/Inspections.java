package io.stagdb.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import io.stagdb.domain.model.Engine;
import io.stagdb.domain.port.out.ContainerState;
import java.nio.file.Path;

/** What a container's inspection (or listing) says about it, read the one way stagDB reads it. */
final class Inspections {
  private Inspections() {
  }

  /** The engine-files directory bound into a container, on this host. */
  static Path filesOf(InspectContainerResponse inspected) {
    Path volume = volumeOf(inspected);
    return volume == null ? null : volume.resolve(DataDirectory.ENGINE_FILES);
  }

  /** The volume a container runs on: the parent of the engine-files directory bound into it. */
  static Path volumeOf(InspectContainerResponse inspected) {
    if (inspected.getMounts() == null) {
      return null;
    }
    return inspected.getMounts().stream().map(m -> DataDirectory.volumeOf(m.getSource())).filter(p -> p != null)
        .findFirst().orElse(null);
  }

  static Engine engineOf(InspectContainerResponse inspected) {
    String engine = inspected.getConfig().getLabels().get(DockerDatabaseRuntime.ENGINE);
    return Engine.parse("engine", engine.substring(0, engine.indexOf(':')));
  }

  static ContainerState stateOf(InspectContainerResponse.ContainerState state) {
    if (Boolean.TRUE.equals(state.getRunning()) || Boolean.TRUE.equals(state.getRestarting())) {
      return ContainerState.RUNNING;
    }
    Long exit = state.getExitCodeLong();
    boolean clean = (exit == null || exit == 0) && !Boolean.TRUE.equals(state.getOOMKilled());
    return clean ? ContainerState.STOPPED : ContainerState.CRASHED;
  }

  static String nameOf(InspectContainerResponse inspected) {
    return inspected.getName().startsWith("/") ? inspected.getName().substring(1) : inspected.getName();
  }

  static String nameOf(Container container) {
    String name = container.getNames().length == 0 ? container.getId() : container.getNames()[0];
    return name.startsWith("/") ? name.substring(1) : name;
  }
}
