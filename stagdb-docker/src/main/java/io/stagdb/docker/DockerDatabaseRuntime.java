package io.stagdb.docker;

import static io.stagdb.docker.Inspections.isRestartable;
import static io.stagdb.docker.Inspections.nameOf;
import static io.stagdb.docker.Inspections.stateOf;
import static io.stagdb.docker.Inspections.volumeOf;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.ImportSource;
import io.stagdb.domain.port.out.ImportListener;
import io.stagdb.domain.port.out.SourceInfo;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.EngineImage;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.port.out.ContainerSpec;
import io.stagdb.domain.port.out.ContainerState;
import io.stagdb.domain.port.out.DatabaseRuntime;
import io.stagdb.domain.port.out.EngineStats;
import io.stagdb.domain.port.out.LogFollower;
import io.stagdb.domain.port.out.ManagedContainer;
import io.stagdb.domain.port.out.RuntimeStats;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DatabaseRuntime} on Docker through docker-java: one labelled container per database on
 * the instance's isolated network, with memory and CPU limits, the data volume bound in and the
 * port published on the configured address. This class is the container lifecycle; images, logs,
 * data directories, the network, error translation, readiness ({@link Readiness}: a real login in
 * the engine's protocol) and halting an engine inside its container ({@link Supervisor}) each have
 * their own.
 */
public final class DockerDatabaseRuntime implements DatabaseRuntime, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DockerDatabaseRuntime.class);
  public static final String MANAGED = "io.stagdb.managed";
  public static final String DATABASE = "io.stagdb.database";
  public static final String ID = "io.stagdb.id";
  public static final String ENGINE = "io.stagdb.engine";
  /** On a container whose engine runs under the supervisor, so it can be halted and resumed inside it. */
  public static final String RESTARTABLE = "io.stagdb.restartable";
  /** How long a failed start waits for the container to run anyway, started by the engine itself. */
  private static final Duration STARTED_ELSEWHERE_WAIT = Duration.ofSeconds(5);

  /** Followed logs at once; each holds a connection of its own. */
  public static final int MAX_LOG_FOLLOWERS = 16;

  private final DockerClient docker;
  private final DockerClient follows;
  private final DockerSettings settings;
  private final EngineImages images;
  private final ContainerLogs logs;
  private final IsolatedNetwork network;
  private final ContainerExec exec;
  private final ContainerLookup containers;
  private final Supervisor supervisor;
  private final Readiness readiness;

  DockerDatabaseRuntime(DockerClient docker, DockerClient follows, DockerSettings settings) {
    this.docker = docker;
    this.follows = follows;
    this.settings = settings;
    this.containers = new ContainerLookup(docker, settings);
    this.images = new EngineImages(docker, settings.images(), settings.pullImages());
    this.logs = new ContainerLogs(docker, follows);
    this.network = new IsolatedNetwork(docker, settings.containerPrefix() + "isolated", containers.managedLabels());
    this.exec = new ContainerExec(docker);
    this.supervisor = new Supervisor(docker, containers, settings);
    this.readiness = new Readiness(docker, logs);
  }

  /** Connects to the engine the settings (or {@code DOCKER_HOST}) name; fails clearly when it does not answer. */
  public static DockerDatabaseRuntime connect(DockerSettings settings) {
    DefaultDockerClientConfig.Builder config = DefaultDockerClientConfig.createDefaultConfigBuilder();
    if (settings.dockerHost() != null) {
      config.withDockerHost(settings.dockerHost());
    }
    DockerClientConfig built = config.build();
    DockerClient client = client(built, 64, Duration.ofMinutes(5));
    try {
      client.pingCmd().exec();
    } catch (RuntimeException e) {
      DockerErrors.closeQuietly(client);
      throw new InfrastructureException("the Docker engine at " + built.getDockerHost() + " does not answer ("
          + e.getMessage() + "); start it (scripts/host-setup does) or set the docker host", e);
    }
    return new DockerDatabaseRuntime(client, client(built, MAX_LOG_FOLLOWERS, null), settings);
  }

  /**
   * Removes the control directories a crash left behind: those whose container is gone. For the
   * server's start, before it serves (a container made meanwhile would have its directory taken).
   */
  public void sweepControlDirectories() {
    java.util.Set<String> live = new java.util.HashSet<>();
    // every stagDB container on this engine, whatever its instance: a directory one of them uses stays
    for (Container c : DockerErrors.call("list containers", () -> docker.listContainersCmd().withShowAll(true)
        .withLabelFilter(Map.of(MANAGED, "true")).exec())) {
      live.add(c.getLabels().get(ID));
    }
    supervisor.sweep(live);
  }

  /** A client with its own connection pool; {@code responseTimeout} {@code null}: none. */
  private static DockerClient client(DockerClientConfig config, int maxConnections, Duration responseTimeout) {
    return DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost()).sslConfig(config.getSSLConfig()).maxConnections(maxConnections)
        .connectionTimeout(Duration.ofSeconds(5)).responseTimeout(responseTimeout).build());
  }

  @Override
  public List<EngineImage> images() {
    return images.all();
  }

  @Override
  public void run(ContainerSpec spec) {
    EngineProfile profile = images.profile(spec.engine());
    images.ensure(profile);
    Path files = DataDirectory.prepare(spec.dataPath(), profile, settings.mongoReplicaSet());
    boolean movable = spec.restartable() && VolumeLink.movable(spec.dataPath(), profile);
    String containerId;
    try {
      containerId = create(spec, profile, files, movable);
    } catch (NotFoundException networkGone) {
      network.forget();   // removed behind our back (an engine restart, a prune): make it again, once
      containerId = create(spec, profile, files, movable);
    }
    containers.remember(spec.id(), containerId);
    try {
      String started = containerId;
      DockerErrors.call("start " + spec.name(), () -> docker.startContainerCmd(started).exec());
    } catch (RuntimeException e) {
      removeQuietly(containerId);
      containers.forget(spec.id(), containerId, false);
      throw e;
    }
    LOG.info("started {} ({} on {}:{}, {})", spec.name(), profile.image(), settings.bindAddress(), spec.hostPort(),
        spec.resources());
  }

  private String create(ContainerSpec spec, EngineProfile profile, Path files, boolean movable) {
    ExposedPort port = ExposedPort.tcp(profile.containerPort());
    List<Mount> mounts = new ArrayList<>(List.of(movable ? VolumeLink.groupMount(spec.dataPath(), profile)
        : new Mount().withType(MountType.BIND).withSource(files.toString()).withTarget(profile.dataDir())));
    if (spec.restartable()) {
      mounts.add(supervisor.controlMount(spec.id(), profile.uid()));
    }
    List<String> env = new ArrayList<>(profile.environment(spec.credentials(), spec.env()));
    List<String> command = new ArrayList<>(profile.command(spec.resources(), settings.mongoReplicaSet(), spec.engineSettings()));
    if (movable) {
      VolumeLink.point(supervisor.controlOf(spec.id()), profile, spec.dataPath());
      VolumeLink.pointEngine(profile, env, command);
    }
    HostConfig host = HostConfig.newHostConfig()
        .withMemory(spec.resources().memoryBytes())
        .withMemorySwap(spec.resources().memoryBytes())
        .withNanoCPUs(spec.resources().milliCpus() * 1_000_000L)
        .withMounts(mounts)
        .withPortBindings(new PortBinding(Ports.Binding.bindIpAndPort(settings.bindAddress(), spec.hostPort()), port))
        .withRestartPolicy(RestartPolicy.unlessStoppedRestart())
        .withNetworkMode(network.ensure());
    try {
      return DockerErrors.call("create the container of " + spec.name(), () -> docker
          .createContainerCmd(profile.image())
          .withName(settings.containerPrefix() + spec.name())
          .withLabels(labels(spec))
          .withEnv(env)
          .withCmd(spec.restartable() ? Supervisor.command(profile, command) : command)
          // as the engine's own uid: the images' entry points then skip their walk over every file of
          // the data directory (to chown it), which on a large clone costs more than the engine's start
          .withUser(profile.uid() + ":" + profile.uid())
          .withExposedPorts(port)
          .withStopSignal(profile.stopSignal())
          .withHostConfig(host)
          .exec().getId());
    } catch (ConflictException nameTaken) {
      if (containers.find(spec.id()) != null) {
        throw ConflictException.alreadyExists("container", settings.containerPrefix() + spec.name());
      }
      throw nameTaken;
    }
  }

  @Override
  public void awaitReady(DatabaseId id, Credentials credentials, Duration timeout) {
    readiness.await(containers.facts(id), credentials, timeout);
  }

  @Override
  public void rotatePassword(DatabaseId id, Credentials current, String newPassword) {
    onEngine(id, (client, endpoint) -> client.rotatePassword(endpoint, current, newPassword));
  }

  @Override
  public void runScripts(DatabaseId id, Credentials credentials, List<String> scripts) {
    if (!scripts.isEmpty()) {   // nothing to run: no need to look the container up
      onEngine(id, (client, endpoint) -> client.runScripts(endpoint, credentials, scripts));
    }
  }

  @Override
  public void createExtensions(DatabaseId id, Credentials credentials, List<String> extensions) {
    if (!extensions.isEmpty()) {
      onEngine(id, (client, endpoint) -> client.createExtensions(endpoint, credentials, extensions));
    }
  }

  @Override
  public void restoreDump(DatabaseId id, Credentials credentials, io.stagdb.domain.model.DumpFormat format,
                          java.io.InputStream dump) {
    ContainerFacts f = containers.facts(id);
    new DumpRestore(exec).restore(containers.inspect(f.container()), f.engine(), credentials, format, dump);
  }

  @Override
  public SourceInfo probeSource(DatabaseId id, ImportSource source) {
    ContainerFacts f = containers.facts(id);
    return new LiveCopy(exec).probe(containers.inspect(f.container()), f.engine(), source);
  }

  @Override
  public void copyFrom(DatabaseId id, Credentials credentials, ImportSource source, ImportListener listener) {
    ContainerFacts f = containers.facts(id);
    new LiveCopy(exec).copy(containers.inspect(f.container()), f.engine(), credentials, source, listener);
  }

  @Override
  public Quiesced quiesce(DatabaseId id, Credentials credentials) {
    return withEngine(id, (client, endpoint) -> client.quiesce(endpoint, credentials));
  }

  @Override
  public EngineStats engineStats(DatabaseId id, Credentials credentials) {
    return withEngine(id, (client, endpoint) -> client.stats(endpoint, credentials));
  }

  private void onEngine(DatabaseId id, java.util.function.BiConsumer<EngineClient, EngineClient.Endpoint> work) {
    withEngine(id, (client, endpoint) -> {
      work.accept(client, endpoint);
      return null;
    });
  }

  private <T> T withEngine(DatabaseId id, java.util.function.BiFunction<EngineClient, EngineClient.Endpoint, T> work) {
    ContainerFacts f = containers.facts(id);
    return work.apply(EngineClient.of(f.engine()), f.endpoint());
  }

  @Override
  public void start(DatabaseId id) {
    ContainerFacts f = containers.facts(id);
    supervisor.ensureControl(f);
    startContainer(id, f.container());
  }

  @Override
  public void stop(DatabaseId id) {
    containers.on(id, container -> {
      DockerErrors.idempotent("stop " + id,
          () -> docker.stopContainerCmd(container).withTimeout((int) settings.stopTimeout().toSeconds()).exec());
      return null;
    });
  }

  /** Halts the engine: a restartable container's by its supervisor, inside the running container; any other is stopped. */
  @Override
  public void halt(DatabaseId id, boolean cleanly) {
    ContainerFacts f = containers.facts(id);
    if (!f.restartable()) {
      // a stop (with no grace when the changes are being thrown away): Docker waits for the exit and
      // does not count it as a crash for the restart policy
      int grace = cleanly ? (int) settings.stopTimeout().toSeconds() : 0;
      DockerErrors.idempotent("stop " + id, () -> docker.stopContainerCmd(f.container()).withTimeout(grace).exec());
      return;
    }
    supervisor.halt(f, cleanly);
  }

  @Override
  public boolean relocate(DatabaseId id, Path dataPath) {
    ContainerFacts f = containers.facts(id);
    if (f.files() == null || !dataPath.getParent().equals(f.files().getParent().getParent())) {
      return false;   // not on a volume of that group
    }
    if (!VolumeLink.move(f.control(), dataPath)) {
      return false;
    }
    containers.moved(f, dataPath.resolve(DataDirectory.ENGINE_FILES));
    return true;
  }

  @Override
  public boolean movable(DatabaseId id) {
    try {
      Path control = containers.facts(id).control();
      return control != null && VolumeLink.volumeIn(control) != null;
    } catch (NotFoundException noContainer) {
      return false;
    }
  }

  @Override
  public boolean restartable(DatabaseId id) {
    try {
      return containers.facts(id).restartable();   // known since the container was made or first looked at
    } catch (NotFoundException noContainer) {
      return false;
    }
  }

  /** Resumes a halted engine inside its running container (its supervisor starts it), or starts the container. */
  @Override
  public void resume(DatabaseId id) {
    ContainerFacts f = containers.facts(id);
    if (f.restartable() && supervisor.resume(f)) {
      return;
    }
    supervisor.ensureControl(f);
    startContainer(id, f.container());
  }

  /**
   * Starts a container, judged by the outcome. Right after the Docker engine restarted, its own
   * restart policy may be starting the same container at the same moment: ours then fails with
   * "task … already exists" (containerd holds the task of that start) or "port is already
   * allocated" (that start holds the port), although the container comes up. A failed start is
   * therefore a start done when the container runs within a few seconds (seen in the concurrent
   * fault campaign, where the database was otherwise marked failed while its container ran).
   */
  private void startContainer(DatabaseId id, String container) {
    try {
      DockerErrors.idempotent("start " + id, () -> docker.startContainerCmd(container).exec());
    } catch (InfrastructureException | ConflictException e) {
      long deadline = System.nanoTime() + STARTED_ELSEWHERE_WAIT.toNanos();
      while (!Boolean.TRUE.equals(containers.inspect(container).getState().getRunning())) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Readiness.pause(200);
      }
      LOG.info("start of {} failed ({}), but it runs: started by the engine's restart policy", id, e.getMessage());
    }
  }

  @Override
  public void rename(DatabaseId id, io.stagdb.domain.model.DatabaseName name) {
    containers.on(id, container -> {
      DockerErrors.call("rename " + id, () -> docker.renameContainerCmd(container)
          .withName(settings.containerPrefix() + name.value()).exec());
      containers.forget(id, container, true);   // its name is part of what it is
      return null;
    });
  }

  @Override
  public void remove(DatabaseId id) {
    try {
      containers.on(id, container -> {
        try {
          DockerErrors.idempotent("stop " + id,
              () -> docker.stopContainerCmd(container).withTimeout((int) settings.stopTimeout().toSeconds()).exec());
        } catch (NotFoundException alreadyGone) {
          // nothing to stop
        }
        try {
          DockerErrors.call("remove " + id,
              () -> docker.removeContainerCmd(container).withForce(true).withRemoveVolumes(true).exec());
        } catch (NotFoundException alreadyGone) {
          // removed meanwhile
        }
        containers.forget(id, container, false);
        return null;
      });
      supervisor.removeControl(id);
    } catch (NotFoundException noContainer) {
      supervisor.removeControl(id);   // a container removed behind our back leaves its control directory
      throw noContainer;
    }
  }

  @Override
  public ContainerState state(DatabaseId id) {
    InspectContainerResponse inspected = containers.inspectOrNull(id);
    if (inspected == null) {
      return ContainerState.MISSING;
    }
    ContainerState state = stateOf(inspected.getState());
    return state == ContainerState.RUNNING && isRestartable(inspected) && supervisor.held(inspected) ? ContainerState.HELD : state;
  }

  @Override
  public List<ManagedContainer> list() {
    List<ManagedContainer> result = new ArrayList<>();
    for (Container c : DockerErrors.call("list containers", () -> docker.listContainersCmd().withShowAll(true)
        .withLabelFilter(containers.managedLabels()).exec())) {
      String id = c.getLabels().get(ID);
      if (id == null || !id.matches("db-[0-9a-f]{12}")) {
        continue;
      }
      InspectContainerResponse inspected;
      try {
        inspected = containers.inspect(c.getId());
      } catch (NotFoundException removedMeanwhile) {
        continue;
      }
      InspectContainerResponse.ContainerState state = inspected.getState();
      ContainerState mapped = stateOf(state);
      if (mapped == ContainerState.RUNNING && isRestartable(inspected) && supervisor.held(inspected)) {
        mapped = ContainerState.HELD;
      }
      result.add(new ManagedContainer(new DatabaseId(id), nameOf(c), mapped,
          mapped == ContainerState.RUNNING || state.getExitCodeLong() == null ? null : state.getExitCodeLong().intValue(),
          volumeOf(inspected)));
    }
    return result;
  }

  @Override
  public RuntimeStats stats(DatabaseId id) {
    return DockerStats.read(docker, containers.require(id));
  }

  @Override
  public String logs(DatabaseId id, int tail, Instant since) {
    String engine = logs.read(containers.require(id), tail, since);
    Path files = containers.facts(id).files();
    return files == null ? engine : engine + LiveCopy.importLog(files.getParent(), tail, since);
  }

  @Override
  public LogFollower.Stream followLogs(DatabaseId id, int tail, Instant since, LogFollower follower) {
    return logs.follow(containers.require(id), tail, since, follower);
  }

  /** The images of {@code engines} (after overrides) that are not on this host, e.g. for {@code doctor}. */
  public List<String> missingImages(Collection<EngineVersion> engines) {
    return images.missing(engines);
  }

  @Override
  public void close() {
    DockerErrors.closeQuietly(follows);
    DockerErrors.closeQuietly(docker);
  }

  private Map<String, String> labels(ContainerSpec spec) {
    Map<String, String> labels = new LinkedHashMap<>(spec.labels());
    labels.putAll(containers.managedLabels());
    labels.put(DATABASE, spec.name().value());
    labels.put(ID, spec.id().value());
    labels.put(ENGINE, spec.engine().engine().id() + ":" + spec.engine().version());
    if (spec.restartable()) {
      labels.put(RESTARTABLE, "true");
    }
    return labels;
  }

  private void removeQuietly(String containerId) {
    try {
      docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
    } catch (RuntimeException e) {
      LOG.warn("could not remove container {}: {}", containerId, e.getMessage());
    }
  }
}
