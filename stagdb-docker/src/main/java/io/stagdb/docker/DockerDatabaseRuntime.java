package io.stagdb.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.port.out.ContainerSpec;
import io.stagdb.domain.port.out.ContainerState;
import io.stagdb.domain.port.out.DatabaseRuntime;
import io.stagdb.domain.port.out.EngineStats;
import io.stagdb.domain.port.out.LogFollower;
import io.stagdb.domain.port.out.ManagedContainer;
import io.stagdb.domain.port.out.RuntimeStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DatabaseRuntime} on Docker through docker-java: one labelled container per database on
 * a bridge network without inter-container traffic, with memory and CPU limits, the data volume bound in, and the port
 * published on the configured address. Readiness is a real login in the engine's protocol.
 */
public final class DockerDatabaseRuntime implements DatabaseRuntime, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DockerDatabaseRuntime.class);
  public static final String MANAGED = "io.stagdb.managed";
  public static final String DATABASE = "io.stagdb.database";
  public static final String ID = "io.stagdb.id";
  public static final String ENGINE = "io.stagdb.engine";
  private static final int LOG_LINES_IN_ERRORS = 20;

  /** Followed logs at once; each holds a connection of {@link #follows}. */
  public static final int MAX_LOG_FOLLOWERS = 16;

  private final DockerClient docker;
  /** For followed logs only: no response timeout (a quiet log is not a dead one), its own connections. */
  private final DockerClient follows;
  private final DockerSettings settings;

  DockerDatabaseRuntime(DockerClient docker, DockerClient follows, DockerSettings settings) {
    this.docker = docker;
    this.follows = follows;
    this.settings = settings;
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
      closeQuietly(client);
      throw new InfrastructureException("the Docker engine at " + built.getDockerHost() + " does not answer ("
          + e.getMessage() + "); start it (scripts/host-setup does) or set the docker host", e);
    }
    return new DockerDatabaseRuntime(client, client(built, MAX_LOG_FOLLOWERS, null), settings);
  }

  /** A client with its own connection pool; {@code responseTimeout} {@code null}: none. */
  private static DockerClient client(DockerClientConfig config, int maxConnections, Duration responseTimeout) {
    return DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost()).sslConfig(config.getSSLConfig()).maxConnections(maxConnections)
        .connectionTimeout(Duration.ofSeconds(5)).responseTimeout(responseTimeout).build());
  }

  @Override
  public void run(ContainerSpec spec) {
    if (findContainer(spec.id()) != null) {
      throw ConflictException.alreadyExists("container", settings.containerPrefix() + spec.name());
    }
    EngineProfile profile = profile(spec);
    ensureImage(profile);
    Path files = prepareDataDirectory(spec.dataPath(), profile);
    String network = ensureNetwork();
    ExposedPort port = ExposedPort.tcp(profile.containerPort());
    HostConfig host = HostConfig.newHostConfig()
        .withMemory(spec.resources().memoryBytes())
        .withMemorySwap(spec.resources().memoryBytes())
        .withNanoCPUs(spec.resources().milliCpus() * 1_000_000L)
        .withMounts(List.of(new Mount().withType(MountType.BIND).withSource(files.toString()).withTarget(profile.dataDir())))
        .withPortBindings(new PortBinding(Ports.Binding.bindIpAndPort(settings.bindAddress(), spec.hostPort()), port))
        .withRestartPolicy(RestartPolicy.unlessStoppedRestart())
        .withNetworkMode(network);
    String containerId = call("create the container of " + spec.name(), () -> docker
        .createContainerCmd(profile.image())
        .withName(settings.containerPrefix() + spec.name())
        .withLabels(labels(spec))
        .withEnv(profile.environment(spec.credentials(), spec.env()))
        .withCmd(profile.command(spec.resources(), settings.mongoReplicaSet()))
        .withExposedPorts(port)
        .withStopSignal(profile.stopSignal())
        .withHostConfig(host)
        .exec().getId());
    try {
      call("start " + spec.name(), () -> docker.startContainerCmd(containerId).exec());
    } catch (RuntimeException e) {
      removeQuietly(containerId);
      throw e;
    }
    LOG.info("started {} ({} on {}:{}, {})", spec.name(), profile.image(), settings.bindAddress(), spec.hostPort(),
        spec.resources());
  }

  @Override
  public void awaitReady(DatabaseId id, Credentials credentials, Duration timeout) {
    String container = require(id).getId();
    InspectContainerResponse inspected = inspect(container);
    EngineClient client = EngineClient.of(engineOf(inspected));
    EngineClient.Endpoint endpoint = endpoint(inspected);
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer yet";
    int restarts = restartCount(inspected);
    while (true) {
      InspectContainerResponse now = inspect(container);
      InspectContainerResponse.ContainerState state = now.getState();
      boolean alive = Boolean.TRUE.equals(state.getRunning()) || Boolean.TRUE.equals(state.getRestarting());
      if (!alive || restartCount(now) > restarts) {
        // a crash loop (Docker restarting an engine that keeps exiting) fails now, not at the timeout
        throw new InfrastructureException(nameOf(inspected) + " exited with code " + state.getExitCodeLong()
            + (alive ? " and Docker is restarting it" : "") + " before accepting connections; last log lines:\n"
            + tail(container, LOG_LINES_IN_ERRORS));
      }
      long left = deadline - System.nanoTime();
      try {
        client.login(endpoint, credentials, Duration.ofMillis(Math.max(500, Math.min(2000, left / 1_000_000))));
        return;
      } catch (EngineClient.Refused e) {
        throw new InfrastructureException(nameOf(inspected) + " is up but " + e.getMessage());
      } catch (EngineClient.NotYet e) {
        last = e.getMessage();
      }
      if (System.nanoTime() > deadline) {
        throw new InfrastructureException(nameOf(inspected) + " did not accept connections within " + timeout
            + " (" + last + "); last log lines:\n" + tail(container, LOG_LINES_IN_ERRORS));
      }
      pause(50);
    }
  }

  /** The volume a container runs on: the parent of the engine-files directory bound into it. */
  private static Path volumeOf(InspectContainerResponse inspected) {
    if (inspected.getMounts() == null) {
      return null;
    }
    return inspected.getMounts().stream().filter(m -> m.getSource() != null)
        .map(m -> Path.of(m.getSource())).filter(p -> p.getFileName() != null && p.getFileName().toString().equals(ENGINE_FILES))
        .map(Path::getParent).findFirst().orElse(null);
  }

  private static int restartCount(InspectContainerResponse inspected) {
    return inspected.getRestartCount() == null ? 0 : inspected.getRestartCount();
  }

  @Override
  public void rotatePassword(DatabaseId id, Credentials current, String newPassword) {
    InspectContainerResponse inspected = inspect(require(id).getId());
    EngineClient.of(engineOf(inspected)).rotatePassword(endpoint(inspected), current, newPassword);
  }

  @Override
  public void runScripts(DatabaseId id, Credentials credentials, List<String> scripts) {
    if (scripts.isEmpty()) {
      return;
    }
    InspectContainerResponse inspected = inspect(require(id).getId());
    EngineClient.of(engineOf(inspected)).runScripts(endpoint(inspected), credentials, scripts);
  }

  @Override
  public Quiesced quiesce(DatabaseId id, Credentials credentials) {
    InspectContainerResponse inspected = inspect(require(id).getId());
    return EngineClient.of(engineOf(inspected)).quiesce(endpoint(inspected), credentials);
  }

  @Override
  public void start(DatabaseId id) {
    String container = require(id).getId();
    try {
      call("start " + id, () -> docker.startContainerCmd(container).exec());
    } catch (NotModifiedException alreadyRunning) {
      // idempotent
    }
  }

  @Override
  public void stop(DatabaseId id) {
    String container = require(id).getId();
    try {
      call("stop " + id, () -> docker.stopContainerCmd(container).withTimeout((int) settings.stopTimeout().toSeconds()).exec());
    } catch (NotModifiedException alreadyStopped) {
      // idempotent
    }
  }

  @Override
  public void remove(DatabaseId id) {
    Container container = require(id);
    try {
      call("stop " + id, () -> docker.stopContainerCmd(container.getId()).withTimeout((int) settings.stopTimeout().toSeconds()).exec());
    } catch (NotModifiedException | NotFoundException alreadyStopped) {
      // nothing to stop
    }
    try {
      call("remove " + id, () -> docker.removeContainerCmd(container.getId()).withForce(true).withRemoveVolumes(true).exec());
    } catch (NotFoundException alreadyGone) {
      // removed meanwhile
    }
  }

  @Override
  public ContainerState state(DatabaseId id) {
    Container container = findContainer(id);
    return container == null ? ContainerState.MISSING : stateOf(inspect(container.getId()).getState());
  }

  @Override
  public List<ManagedContainer> list() {
    List<ManagedContainer> result = new ArrayList<>();
    for (Container c : call("list containers", () -> docker.listContainersCmd().withShowAll(true)
        .withLabelFilter(managedLabels()).exec())) {
      String id = c.getLabels().get(ID);
      if (id == null || !id.matches("db-[0-9a-f]{12}")) {
        continue;
      }
      InspectContainerResponse inspected = inspect(c.getId());
      InspectContainerResponse.ContainerState state = inspected.getState();
      ContainerState mapped = stateOf(state);
      result.add(new ManagedContainer(new DatabaseId(id), nameOf(c),
          mapped, mapped == ContainerState.RUNNING ? null : state.getExitCodeLong() == null ? null : state.getExitCodeLong().intValue(),
          volumeOf(inspected)));
    }
    return result;
  }

  @Override
  public RuntimeStats stats(DatabaseId id) {
    String container = require(id).getId();
    AtomicReference<Statistics> seen = new AtomicReference<>();
    try (ResultCallback.Adapter<Statistics> callback = docker.statsCmd(container).withNoStream(true)
        .exec(new ResultCallback.Adapter<>() {
          @Override
          public void onNext(Statistics statistics) {
            seen.compareAndSet(null, statistics);
          }
        })) {
      callback.awaitCompletion(10, TimeUnit.SECONDS);
    } catch (IOException | RuntimeException e) {
      throw translate("read the stats of " + id, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InfrastructureException("interrupted while reading stats", e);
    }
    Statistics s = seen.get();
    if (s == null) {
      throw new InfrastructureException("the Docker engine returned no stats for " + id);
    }
    return DockerStats.from(s);
  }

  @Override
  public EngineStats engineStats(DatabaseId id, Credentials credentials) {
    InspectContainerResponse inspected = inspect(require(id).getId());
    return EngineClient.of(engineOf(inspected)).stats(endpoint(inspected), credentials);
  }

  @Override
  public String logs(DatabaseId id, int tail, Instant since) {
    return readLog(require(id).getId(), tail, since);
  }

  @Override
  public LogFollower.Stream followLogs(DatabaseId id, int tail, Instant since, LogFollower follower) {
    String container = require(id).getId();
    var command = follows.logContainerCmd(container).withStdOut(true).withStdErr(true).withTail(tail)
        .withFollowStream(true);
    if (since != null) {
      command = command.withSince((int) since.getEpochSecond());
    }
    AtomicBoolean ended = new AtomicBoolean();
    Consumer<String> end = why -> {
      if (ended.compareAndSet(false, true)) {
        follower.end(why);
      }
    };
    ResultCallback.Adapter<Frame> callback = command.exec(new ResultCallback.Adapter<>() {
      @Override
      public void onStart(java.io.Closeable stream) {
        super.onStart(stream);
        if (ended.get()) {   // closed before the response began: the adapter had no stream to close then
          closeQuietly(stream);
        }
      }

      @Override
      public void onNext(Frame frame) {
        if (ended.get()) {
          return;
        }
        try {
          follower.text(new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (RuntimeException gone) {
          closeQuietly(this);
          end.accept("the follower stopped: " + gone.getMessage());
        }
      }

      @Override
      public void onError(Throwable error) {
        closeQuietly(this);
        end.accept("the log stream failed: " + error.getMessage());
      }

      @Override
      public void onComplete() {
        closeQuietly(this);
        end.accept("the container stopped");
      }
    });
    return () -> {
      closeQuietly(callback);
      end.accept("closed");
    };
  }

  /** The container's last {@code tail} log lines (stdout and stderr), from {@code since} if given. */
  private String readLog(String container, int tail, Instant since) {
    StringBuilder out = new StringBuilder();
    var command = docker.logContainerCmd(container).withStdOut(true).withStdErr(true).withTail(tail);
    if (since != null) {
      command = command.withSince((int) since.getEpochSecond());
    }
    try (ResultCallback.Adapter<Frame> callback = command.exec(new ResultCallback.Adapter<>() {
      @Override
      public void onNext(Frame frame) {
        synchronized (out) {
          out.append(new String(frame.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
        }
      }
    })) {
      callback.awaitCompletion(10, TimeUnit.SECONDS);
    } catch (IOException | RuntimeException e) {
      throw translate("read the logs of " + container, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InfrastructureException("interrupted while reading logs", e);
    }
    synchronized (out) {
      return out.toString();
    }
  }

  /** The images of {@code engines} (after overrides) that are not on this host, e.g. for {@code doctor}. */
  public List<String> missingImages(java.util.Collection<io.stagdb.domain.model.EngineVersion> engines) {
    List<String> missing = new ArrayList<>();
    for (io.stagdb.domain.model.EngineVersion engine : engines) {
      String image = EngineProfile.of(engine, settings.images().get(engine.engine().id() + "." + engine.version())).image();
      try {
        docker.inspectImageCmd(image).exec();
      } catch (com.github.dockerjava.api.exception.NotFoundException e) {
        missing.add(image + " (" + EngineProfile.of(engine, null).imageKey() + ")");
      }
    }
    return missing;
  }

  @Override
  public void close() {
    closeQuietly(follows);
    closeQuietly(docker);
  }

  // ---- helpers --------------------------------------------------------------------------------

  private EngineProfile profile(ContainerSpec spec) {
    return EngineProfile.of(spec.engine(), settings.images().get(spec.engine().engine().id() + "." + spec.engine().version()));
  }

  private void ensureImage(EngineProfile profile) {
    try {
      docker.inspectImageCmd(profile.image()).exec();
      return;
    } catch (com.github.dockerjava.api.exception.NotFoundException missing) {
      if (!settings.pullImages()) {
        throw new InfrastructureException("image " + profile.image() + " is not on this host and pulling is off;"
            + " load it, or point " + profile.imageKey() + " at an image that is");
      }
    } catch (DockerException e) {
      throw translate("inspect image " + profile.image(), e);
    }
    LOG.info("pulling {} (not on this host yet)", profile.image());
    try {
      docker.pullImageCmd(profile.image()).exec(new ResultCallback.Adapter<PullResponseItem>() {
        @Override
        public void onNext(PullResponseItem item) {
          if (item.getStatus() != null && item.getProgressDetail() == null) {
            LOG.info("pull {}: {}{}", profile.image(), item.getStatus(), item.getId() == null ? "" : " " + item.getId());
          }
        }
      }).awaitCompletion(30, TimeUnit.MINUTES);
    } catch (RuntimeException e) {
      throw new InfrastructureException("cannot pull image " + profile.image() + " (" + e.getMessage()
          + "); make it available on this host, or set " + profile.imageKey() + " to an image that is", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InfrastructureException("interrupted while pulling " + profile.image(), e);
    }
  }

  /**
   * The engine's files live in {@value #ENGINE_FILES}/ inside the volume, never at its mount point
   * (as PostgreSQL's manual advises for any secondary file system): when the volume is not mounted,
   * after a host reboot or a ZFS daemon restart, that directory is missing and Docker refuses to
   * start the container, even on its own restart policy, instead of the engine initialising an
   * empty database on the bare mount point.
   */
  static final String ENGINE_FILES = "data";

  /**
   * Creates the engine's directory in a fresh volume and gives it to the engine's uid (a cloned one
   * already is); for a MongoDB replica set, writes its key file once. Returns the directory.
   */
  private Path prepareDataDirectory(Path volume, EngineProfile profile) {
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
      if (profile.isMongo() && settings.mongoReplicaSet()) {
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

  /**
   * The instance's bridge network, created once: inter-container communication is off on it, so
   * databases cannot reach each other, while their published ports still serve clients. (One
   * network per database would run out of Docker's address pools after about thirty.)
   */
  private String ensureNetwork() {
    String name = settings.containerPrefix() + "isolated";
    try {
      docker.inspectNetworkCmd().withNetworkId(name).exec();
      return name;
    } catch (com.github.dockerjava.api.exception.NotFoundException missing) {
      // create it below
    }
    try {
      docker.createNetworkCmd().withName(name).withDriver("bridge").withLabels(managedLabels())
          .withOptions(Map.of("com.docker.network.bridge.enable_icc", "false")).exec();
      LOG.info("created network {} (no traffic between databases)", name);
    } catch (com.github.dockerjava.api.exception.ConflictException createdMeanwhile) {
      // another stagDB call created it first
    } catch (RuntimeException e) {
      throw translate("create network " + name, e);
    }
    return name;
  }

  private Map<String, String> labels(ContainerSpec spec) {
    Map<String, String> labels = new LinkedHashMap<>(spec.labels());
    labels.putAll(managedLabels());
    labels.put(DATABASE, spec.name().value());
    labels.put(ID, spec.id().value());
    labels.put(ENGINE, spec.engine().engine().id() + ":" + spec.engine().version());
    return labels;
  }

  private Map<String, String> managedLabels() {
    Map<String, String> labels = new HashMap<>(settings.instanceLabels());
    labels.put(MANAGED, "true");
    return labels;
  }

  private Container findContainer(DatabaseId id) {
    Map<String, String> filter = managedLabels();
    filter.put(ID, id.value());
    List<Container> found = call("find the container of " + id,
        () -> docker.listContainersCmd().withShowAll(true).withLabelFilter(filter).exec());
    return found.isEmpty() ? null : found.get(0);
  }

  private Container require(DatabaseId id) {
    Container container = findContainer(id);
    if (container == null) {
      throw new NotFoundException("container", id.value());
    }
    return container;
  }

  private InspectContainerResponse inspect(String container) {
    return call("inspect " + container, () -> docker.inspectContainerCmd(container).exec());
  }

  private static io.stagdb.domain.model.Engine engineOf(InspectContainerResponse inspected) {
    String engine = inspected.getConfig().getLabels().get(ENGINE);
    return io.stagdb.domain.model.Engine.parse("engine", engine.substring(0, engine.indexOf(':')));
  }

  private EngineClient.Endpoint endpoint(InspectContainerResponse inspected) {
    for (Map.Entry<ExposedPort, Ports.Binding[]> e : inspected.getHostConfig().getPortBindings().getBindings().entrySet()) {
      if (e.getValue() != null && e.getValue().length > 0) {
        return new EngineClient.Endpoint(settings.connectHost(), Integer.parseInt(e.getValue()[0].getHostPortSpec()));
      }
    }
    throw new InfrastructureException(nameOf(inspected) + " publishes no port");
  }

  private static ContainerState stateOf(InspectContainerResponse.ContainerState state) {
    if (Boolean.TRUE.equals(state.getRunning()) || Boolean.TRUE.equals(state.getRestarting())) {
      return ContainerState.RUNNING;
    }
    Long exit = state.getExitCodeLong();
    boolean clean = (exit == null || exit == 0) && !Boolean.TRUE.equals(state.getOOMKilled());
    return clean ? ContainerState.STOPPED : ContainerState.CRASHED;
  }

  private static String nameOf(InspectContainerResponse inspected) {
    return inspected.getName().startsWith("/") ? inspected.getName().substring(1) : inspected.getName();
  }

  private static String nameOf(Container container) {
    String name = container.getNames().length == 0 ? container.getId() : container.getNames()[0];
    return name.startsWith("/") ? name.substring(1) : name;
  }

  /** The last log lines for an error message; never fails. */
  private String tail(String container, int lines) {
    try {
      return readLog(container, lines, null).strip();
    } catch (RuntimeException e) {
      return "(logs unavailable: " + e.getMessage() + ")";
    }
  }

  private void removeQuietly(String containerId) {
    try {
      docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
    } catch (RuntimeException e) {
      LOG.warn("could not remove container {}: {}", containerId, e.getMessage());
    }
  }

  /** Runs a docker-java call, translating its exceptions into the domain's. */
  private static <T> T call(String what, Supplier<T> action) {
    try {
      return action.get();
    } catch (NotModifiedException e) {
      throw e;
    } catch (RuntimeException e) {
      throw translate(what, e);
    }
  }

  private static void call(String what, Runnable action) {
    call(what, () -> {
      action.run();
      return null;
    });
  }

  static RuntimeException translate(String what, Exception e) {
    if (e instanceof io.stagdb.domain.error.StagDbException domain) {
      return domain;
    }
    if (e instanceof com.github.dockerjava.api.exception.NotFoundException) {
      return new NotFoundException("docker object", what);
    }
    if (e instanceof com.github.dockerjava.api.exception.ConflictException) {
      return new ConflictException(ConflictException.Reason.ALREADY_EXISTS, "cannot " + what + ": " + e.getMessage());
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (message.contains("port is already allocated") || message.contains("address already in use")) {
      return new ConflictException(ConflictException.Reason.BUSY, "cannot " + what + ": the host port is already in use");
    }
    return new InfrastructureException("cannot " + what + ": " + message.strip());
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InfrastructureException("interrupted while waiting for the engine", e);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception ignored) {
      // shutting down
    }
  }
}
