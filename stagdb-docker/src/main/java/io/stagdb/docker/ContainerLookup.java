package io.stagdb.docker;

import static io.stagdb.docker.Inspections.engineOf;
import static io.stagdb.docker.Inspections.filesOf;
import static io.stagdb.docker.Inspections.isRestartable;
import static io.stagdb.docker.Inspections.nameOf;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.DatabaseId;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Finds a database's container by its labels and remembers it: its id once made or first looked
 * up (a lookup is a list call), and what it is ({@link ContainerFacts}: one inspect per container).
 * Containers of other stagDB instances, or made by hand, are never found: every lookup requires the
 * instance's labels.
 */
final class ContainerLookup {
  private final DockerClient docker;
  private final DockerSettings settings;
  private final Map<DatabaseId, String> ids = new ConcurrentHashMap<>();
  private final Map<String, ContainerFacts> facts = new ConcurrentHashMap<>();

  ContainerLookup(DockerClient docker, DockerSettings settings) {
    this.docker = docker;
    this.settings = settings;
  }

  /** The labels every container of this instance carries, and every lookup requires. */
  Map<String, String> managedLabels() {
    Map<String, String> labels = new HashMap<>(settings.instanceLabels());
    labels.put(DockerDatabaseRuntime.MANAGED, "true");
    return labels;
  }

  void remember(DatabaseId id, String container) {
    ids.put(id, container);
  }

  /** Forgets a container that was removed (or whose name, part of what it is, changed: {@code keepId}). */
  void forget(DatabaseId id, String container, boolean keepId) {
    facts.remove(container);
    if (!keepId) {
      ids.remove(id);
    }
  }

  /** Remembers that a container's engine was moved to the files at {@code files}. */
  void moved(ContainerFacts f, Path files) {
    facts.put(f.container(), new ContainerFacts(f.container(), f.name(), f.engine(), f.endpoint(), f.restartable(), files,
        f.control(), f.uid()));
  }

  /** The database's container, looked up by its labels; {@code null} when there is none. */
  Container find(DatabaseId id) {
    Map<String, String> filter = managedLabels();
    filter.put(DockerDatabaseRuntime.ID, id.value());
    List<Container> found = DockerErrors.call("find the container of " + id,
        () -> docker.listContainersCmd().withShowAll(true).withLabelFilter(filter).exec());
    if (found.isEmpty()) {
      ids.remove(id);
      return null;
    }
    ids.put(id, found.get(0).getId());
    return found.get(0);
  }

  /** The database's container id; not found when it has none. */
  String require(DatabaseId id) {
    String known = ids.get(id);
    if (known != null) {
      return known;
    }
    Container container = find(id);
    if (container == null) {
      throw new NotFoundException("container", id.value());
    }
    return container.getId();
  }

  /**
   * Runs {@code work} on the database's container id; when a remembered id turned stale (the
   * container was removed and made again outside this process), looks it up once more.
   */
  <T> T on(DatabaseId id, Function<String, T> work) {
    boolean remembered = ids.containsKey(id);
    try {
      return work.apply(require(id));
    } catch (NotFoundException stale) {
      if (!remembered) {
        throw stale;
      }
      ids.remove(id);
      return work.apply(require(id));
    }
  }

  /**
   * The inspection of the database's container, or {@code null} when it has none: one inspect when
   * its id is remembered, else a lookup by its labels and an inspect.
   */
  InspectContainerResponse inspectOrNull(DatabaseId id) {
    String known = ids.get(id);
    if (known != null) {
      try {
        return inspect(known);
      } catch (NotFoundException removed) {
        forget(id, known, false);
      }
    }
    Container container = find(id);
    return container == null ? null : inspect(container.getId());
  }

  /** What the database's container is, inspected once per container. */
  ContainerFacts facts(DatabaseId id) {
    return on(id, container -> facts.computeIfAbsent(container, c -> {
      InspectContainerResponse inspected = inspect(c);
      return new ContainerFacts(c, nameOf(inspected), engineOf(inspected), endpoint(inspected), isRestartable(inspected),
          filesOf(inspected), Supervisor.controlOf(inspected), uidOf(inspected));
    }));
  }

  InspectContainerResponse inspect(String container) {
    return DockerErrors.call("inspect " + container, () -> docker.inspectContainerCmd(container).exec());
  }

  private EngineClient.Endpoint endpoint(InspectContainerResponse inspected) {
    for (Map.Entry<ExposedPort, Ports.Binding[]> e : inspected.getHostConfig().getPortBindings().getBindings().entrySet()) {
      if (e.getValue() != null && e.getValue().length > 0) {
        return new EngineClient.Endpoint(settings.connectHost(), Integer.parseInt(e.getValue()[0].getHostPortSpec()));
      }
    }
    throw new InfrastructureException(nameOf(inspected) + " publishes no port");
  }

  /** The uid a container runs as ({@code "999:999"}), or 0 when it runs as the image's user. */
  private static int uidOf(InspectContainerResponse inspected) {
    String user = inspected.getConfig().getUser();
    if (user == null || user.isBlank()) {
      return 0;
    }
    try {
      return Integer.parseInt(user.contains(":") ? user.substring(0, user.indexOf(':')) : user);
    } catch (NumberFormatException named) {
      return 0;
    }
  }
}
