package io.stagdb.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import io.stagdb.domain.model.Engine;
import io.stagdb.domain.port.out.ContainerState;
import java.nio.file.Path;
import java.util.List;

/** What a container's inspection (or listing) says about it, read the one way stagDB reads it. */
final class Inspections {
  private Inspections() {
  }

  /** The engine-files directory bound into a container, on this host. */
  static Path filesOf(InspectContainerResponse inspected) {
    Path volume = volumeOf(inspected);
    return volume == null ? null : volume.resolve(DataDirectory.ENGINE_FILES);
  }

  /** Where the engine-files directory is bound inside the container, or {@code null} when it is not bound from here. */
  static String filesInside(InspectContainerResponse inspected) {
    VolumeLink.Located moved = VolumeLink.locate(inspected);
    if (moved != null) {
      return moved.filesInside();
    }
    Path files = filesOf(inspected);
    return files == null || inspected.getMounts() == null ? null : inspected.getMounts().stream()
        .filter(m -> m.getSource() != null && Path.of(m.getSource()).equals(files))
        .map(m -> m.getDestination().getPath()).findFirst().orElse(null);
  }

  /** The volume a container runs on: the parent of the engine-files directory bound into it, or the one it was moved to. */
  static Path volumeOf(InspectContainerResponse inspected) {
    if (inspected.getMounts() == null) {
      return null;
    }
    VolumeLink.Located moved = VolumeLink.locate(inspected);
    if (moved != null) {
      return moved.volume();
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

  static boolean isRestartable(InspectContainerResponse inspected) {
    return "true".equals(inspected.getConfig().getLabels().get(DockerDatabaseRuntime.RESTARTABLE));
  }

  /**
   * Whether any process but the supervisor (and its pause between checks) runs in a restartable
   * container: the engine, its children, or the entry point starting it.
   */
  static boolean engineRuns(DockerClient docker, InspectContainerResponse inspected) {
    String supervisor = String.valueOf(inspected.getState().getPidLong());
    var top = DockerErrors.call("list the processes of " + nameOf(inspected),
        () -> docker.topContainerCmd(inspected.getId()).withPsArgs("-o pid,args").exec());
    List<String> titles = List.of(top.getTitles());
    int pid = titles.indexOf("PID");
    int args = Math.max(titles.indexOf("COMMAND"), titles.indexOf("ARGS"));
    for (String[] process : top.getProcesses()) {
      String command = args < 0 ? "" : process[args];
      if (!process[pid].equals(supervisor) && !command.startsWith("sleep")) {
        return true;
      }
    }
    return false;
  }
}
