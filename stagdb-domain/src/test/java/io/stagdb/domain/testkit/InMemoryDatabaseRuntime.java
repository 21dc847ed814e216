package io.stagdb.domain.testkit;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.Engine;
import io.stagdb.domain.model.EngineImage;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.port.out.ContainerSpec;
import io.stagdb.domain.port.out.ContainerState;
import io.stagdb.domain.port.out.DatabaseRuntime;
import io.stagdb.domain.port.out.LogFollower;
import io.stagdb.domain.port.out.ManagedContainer;
import io.stagdb.domain.port.out.RuntimeStats;
import io.stagdb.domain.port.out.VolumeStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A database runtime for domain tests that behaves like an engine where it matters: the password
 * lives in the data directory (a fresh directory takes the spec's, a cloned one keeps its own),
 * logins with another password are refused, and only a running container is ready.
 */
public final class InMemoryDatabaseRuntime implements DatabaseRuntime {
  private static final String PASSWORD_FILE = ".password";

  private final Faults faults;
  private final Map<DatabaseId, Container> containers = new LinkedHashMap<>();
  private int quiesced;
  private boolean movable = true;

  private static final class Container {
    final ContainerSpec spec;
    ContainerState state = ContainerState.RUNNING;
    Integer exitCode;
    final List<String> scripts = new ArrayList<>();
    final List<String> extensions = new ArrayList<>();
    final List<String> log = new ArrayList<>();
    final List<LogFollower> followers = new ArrayList<>();

    Container(ContainerSpec spec) {
      this.spec = spec;
    }

    Container renamed(io.stagdb.domain.model.DatabaseName name) {
      return with(new ContainerSpec(spec.id(), name, spec.engine(), spec.resources(), spec.hostPort(),
          spec.credentials(), spec.env(), spec.dataPath(), spec.labels(), spec.restartable(), spec.engineSettings()));
    }

    Container with(ContainerSpec other) {
      Container c = new Container(other);
      c.state = state;
      c.exitCode = exitCode;
      c.scripts.addAll(scripts);
      c.extensions.addAll(extensions);
      c.log.addAll(log);
      c.followers.addAll(followers);
      return c;
    }
  }

  public InMemoryDatabaseRuntime(Faults faults) {
    this.faults = faults;
  }

  /** Every supported engine version, as {@code <engine>:<version>}, all available. */
  @Override
  public List<EngineImage> images() {
    return Arrays.stream(Engine.values()).flatMap(e -> e.versions().stream().map(v -> new EngineVersion(e, v)))
        .map(v -> new EngineImage(v, v.engine().id() + ":" + v.version(), true)).toList();
  }

  @Override
  public synchronized void run(ContainerSpec spec) {
    faults.check("runtime.run");
    if (containers.containsKey(spec.id())) {
      throw ConflictException.alreadyExists("container", spec.name().value());
    }
    Path passwordFile = spec.dataPath().resolve(PASSWORD_FILE);
    if (!Files.exists(passwordFile)) {
      write(passwordFile, spec.credentials().password());
    }
    Container container = new Container(spec);
    container.log.add("database system is ready to accept connections");
    containers.put(spec.id(), container);
  }

  @Override
  public void awaitReady(DatabaseId id, Credentials credentials, Duration timeout) {
    faults.check("runtime.awaitReady");   // outside the monitor: waiting for one engine holds up no other
    synchronized (this) {
      Container c = require(id);
      if (c.state != ContainerState.RUNNING) {
        throw new InfrastructureException(c.spec.name() + " is not running (" + c.state + "); last log: " + c.log);
      }
      if (!read(c.spec.dataPath().resolve(PASSWORD_FILE)).equals(credentials.password())) {
        throw new InfrastructureException(c.spec.name() + " refused the login of " + credentials.username());
      }
    }
  }

  @Override
  public synchronized void rotatePassword(DatabaseId id, Credentials current, String newPassword) {
    faults.check("runtime.rotatePassword");
    awaitReadyUnchecked(id, current);
    write(require(id).spec.dataPath().resolve(PASSWORD_FILE), newPassword);
  }

  private void awaitReadyUnchecked(DatabaseId id, Credentials credentials) {
    Container c = require(id);
    if (c.state != ContainerState.RUNNING || !read(c.spec.dataPath().resolve(PASSWORD_FILE)).equals(credentials.password())) {
      throw new InfrastructureException(c.spec.name() + " refused the login of " + credentials.username());
    }
  }

  @Override
  public synchronized void runScripts(DatabaseId id, Credentials credentials, List<String> scripts) {
    faults.check("runtime.runScripts");
    awaitReadyUnchecked(id, credentials);
    require(id).scripts.addAll(scripts);
  }

  /**
   * Reads the whole dump and records it as a script {@code restore <FORMAT> <bytes>}; a dump
   * containing {@code REFUSE} is refused after the "engine" wrote a file {@code half-loaded}.
   */
  @Override
  public void restoreDump(DatabaseId id, Credentials credentials, io.stagdb.domain.model.DumpFormat format,
                          java.io.InputStream dump) {
    faults.check("runtime.restoreDump");
    byte[] all;
    try {
      all = dump.readAllBytes();
    } catch (java.io.IOException e) {
      throw new io.stagdb.domain.error.InfrastructureException("the upload broke off: " + e.getMessage(), e);
    }
    synchronized (this) {
      awaitReadyUnchecked(id, credentials);
      if (new String(all, java.nio.charset.StandardCharsets.ISO_8859_1).contains("REFUSE")) {
        try {
          java.nio.file.Files.writeString(require(id).spec.dataPath().resolve("half-loaded"), "x");
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        throw new io.stagdb.domain.error.InvalidRequestException("body", "the engine refused the dump");
      }
      require(id).scripts.add("restore " + format + " " + all.length);
    }
  }

  /** The live sources this fake can reach: host → its version and table count. */
  private final Map<String, io.stagdb.domain.port.out.SourceInfo> sources = new java.util.concurrent.ConcurrentHashMap<>();

  /** Makes a live source on {@code host} reachable, at {@code version} with {@code tables} tables; its password is {@code secret}. */
  public void addSource(String host, String version, int tables) {
    sources.put(host, new io.stagdb.domain.port.out.SourceInfo(version, null, tables, tables * 1000L));
  }

  /** Probes a source added with {@link #addSource}: unknown hosts are unreachable, a password other than {@code secret} is refused. */
  @Override
  public io.stagdb.domain.port.out.SourceInfo probeSource(DatabaseId id, io.stagdb.domain.model.ImportSource source) {
    faults.check("runtime.probeSource");
    io.stagdb.domain.port.out.SourceInfo info = sources.get(source.host());
    if (info == null) {
      throw new io.stagdb.domain.error.InvalidRequestException("source.url", "could not connect to " + source.host());
    }
    if (!source.password().equals("secret")) {
      throw new io.stagdb.domain.error.InvalidRequestException("source.url", "password authentication failed for user "
          + source.user());
    }
    return info;
  }

  /**
   * "Copies" a probed source: a dump and a restore phase, each object reported, then the script
   * {@code import <masked url>} recorded and a file {@code imported} written to the data directory.
   */
  @Override
  public void copyFrom(DatabaseId id, Credentials credentials, io.stagdb.domain.model.ImportSource source,
                       io.stagdb.domain.port.out.ImportListener listener) {
    io.stagdb.domain.port.out.SourceInfo info = probeSource(id, source);
    for (String phase : List.of("dump", "restore")) {
      listener.phase(phase);
      faults.check("runtime.copyFrom." + phase);
      for (long i = 0; i < info.objects(); i++) {
        listener.objectDone();
      }
    }
    synchronized (this) {
      awaitReadyUnchecked(id, credentials);
      try {
        java.nio.file.Files.writeString(require(id).spec.dataPath().resolve("imported"), source.masked());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      require(id).scripts.add("import " + source.masked());
    }
  }

  /** What this fake's "image" offers. */
  public static final java.util.Set<String> OFFERED_EXTENSIONS = java.util.Set.of("pg_trgm", "pg_stat_statements", "hstore", "citext");

  @Override
  public synchronized void createExtensions(DatabaseId id, Credentials credentials, List<String> extensions) {
    faults.check("runtime.createExtensions");
    awaitReadyUnchecked(id, credentials);
    List<String> missing = extensions.stream().filter(e -> !OFFERED_EXTENSIONS.contains(e)).toList();
    if (!missing.isEmpty()) {
      throw new io.stagdb.domain.error.InvalidRequestException("config.extensions", "not offered: " + String.join(", ", missing));
    }
    require(id).extensions.addAll(extensions);
  }

  @Override
  public synchronized Quiesced quiesce(DatabaseId id, Credentials credentials) {
    faults.check("runtime.quiesce");
    awaitReadyUnchecked(id, credentials);
    quiesced++;
    return new Quiesced() {
      private boolean closed;

      @Override
      public void close() {
        synchronized (InMemoryDatabaseRuntime.this) {
          if (!closed) {
            closed = true;
            quiesced--;
          }
        }
      }
    };
  }

  @Override
  public synchronized void start(DatabaseId id) {
    faults.check("runtime.start");
    Container c = require(id);
    if (c.state != ContainerState.HELD) {   // a container start does not resume a halted engine
      c.state = ContainerState.RUNNING;
      c.exitCode = null;
    }
  }

  @Override
  public synchronized void stop(DatabaseId id) {
    faults.check("runtime.stop");
    Container c = require(id);
    if (c.state == ContainerState.RUNNING || c.state == ContainerState.HELD) {
      c.state = ContainerState.STOPPED;
      c.exitCode = 0;
      endFollowers(c, "the container stopped");
    }
  }

  @Override
  public synchronized boolean restartable(DatabaseId id) {
    Container c = containers.get(id);
    return c != null && c.spec.restartable();
  }

  @Override
  public synchronized void halt(DatabaseId id, boolean cleanly) {
    faults.check("runtime.halt");
    Container c = require(id);
    if (c.state == ContainerState.RUNNING) {
      c.state = c.spec.restartable() ? ContainerState.HELD : ContainerState.STOPPED;
      c.exitCode = cleanly ? 0 : 137;
      endFollowers(c, "the engine was halted");
    }
  }

  @Override
  public synchronized void resume(DatabaseId id) {
    faults.check("runtime.resume");
    Container c = require(id);
    c.state = ContainerState.RUNNING;
    c.exitCode = null;
  }

  /** Whether containers on grouped volumes can be moved ({@link #relocate}), as where mounts propagate. */
  public synchronized void movable(boolean movable) {
    this.movable = movable;
  }

  @Override
  public synchronized boolean relocate(DatabaseId id, Path dataPath) {
    faults.check("runtime.relocate");
    Container c = require(id);
    if (c.state != ContainerState.HELD) {
      throw new IllegalStateException("relocating " + id + " while its engine is " + c.state);
    }
    if (!movable(c) || !c.spec.dataPath().getParent().equals(dataPath.getParent()) || !Files.isDirectory(dataPath)) {
      return false;
    }
    containers.put(id, c.with(c.spec.on(dataPath)));
    return true;
  }

  @Override
  public synchronized boolean movable(DatabaseId id) {
    Container c = containers.get(id);
    return c != null && movable(c);
  }

  private boolean movable(Container c) {
    return movable && c.spec.restartable() && VolumeStore.groupOf(c.spec.dataPath().getFileName().toString()) != null;
  }

  @Override
  public synchronized void rename(DatabaseId id, io.stagdb.domain.model.DatabaseName name) {
    faults.check("runtime.rename");
    Container c = require(id);
    containers.put(id, c.renamed(name));
  }

  @Override
  public synchronized void remove(DatabaseId id) {
    faults.check("runtime.remove");
    endFollowers(require(id), "the container was removed");
    containers.remove(id);
  }

  @Override
  public synchronized ContainerState state(DatabaseId id) {
    faults.check("runtime.state");
    Container c = containers.get(id);
    return c == null ? ContainerState.MISSING : c.state;
  }

  @Override
  public synchronized List<ManagedContainer> list() {
    faults.check("runtime.list");
    return containers.values().stream()
        .map(c -> new ManagedContainer(c.spec.id(), "stagdb-" + c.spec.name(), c.state, c.exitCode,
            c.spec.dataPath())).toList();
  }

  @Override
  public synchronized RuntimeStats stats(DatabaseId id) {
    faults.check("runtime.stats");
    Container c = require(id);
    return new RuntimeStats(1.5, c.spec.resources().memoryBytes() / 10, c.spec.resources().memoryBytes(), 0, 0, 0, 0);
  }

  @Override
  public synchronized io.stagdb.domain.port.out.EngineStats engineStats(DatabaseId id, Credentials credentials) {
    faults.check("runtime.engineStats");
    awaitReadyUnchecked(id, credentials);
    return new io.stagdb.domain.port.out.EngineStats(8L << 20, 1);
  }

  @Override
  public synchronized String logs(DatabaseId id, int tail, Instant since) {
    faults.check("runtime.logs");
    List<String> log = require(id).log;
    return String.join("\n", log.subList(Math.max(0, log.size() - tail), log.size()));
  }

  @Override
  public synchronized LogFollower.Stream followLogs(DatabaseId id, int tail, Instant since, LogFollower follower) {
    faults.check("runtime.followLogs");
    Container c = require(id);
    c.log.subList(Math.max(0, c.log.size() - tail), c.log.size()).forEach(line -> follower.text(line + "\n"));
    if (c.state != ContainerState.RUNNING) {
      follower.end("the container is not running");
      return () -> { };
    }
    c.followers.add(follower);
    return () -> {
      boolean removed;
      synchronized (this) {
        removed = c.followers.remove(follower);
      }
      if (removed) {
        follower.end("closed");
      }
    };
  }

  /** The engine writes {@code line} to its log; followers see it at once. */
  public synchronized void log(DatabaseId id, String line) {
    Container c = require(id);
    c.log.add(line);
    for (LogFollower follower : List.copyOf(c.followers)) {
      try {
        follower.text(line + "\n");
      } catch (RuntimeException gone) {
        c.followers.remove(follower);
        follower.end("the follower failed: " + gone.getMessage());
      }
    }
  }

  /** How many followers a container's log has now. */
  public synchronized int followers(DatabaseId id) {
    return require(id).followers.size();
  }

  private static void endFollowers(Container c, String why) {
    List<LogFollower> ending = List.copyOf(c.followers);
    c.followers.clear();
    ending.forEach(f -> f.end(why));
  }

  // ---- for tests ----

  /** Simulates the engine process dying with {@code exitCode}. */
  public synchronized void crash(DatabaseId id, int exitCode) {
    Container c = require(id);
    c.state = ContainerState.CRASHED;
    endFollowers(c, "the container exited with code " + exitCode);
    c.exitCode = exitCode;
  }

  /** Scripts run in a container so far. */
  public synchronized List<String> scriptsRun(DatabaseId id) {
    return List.copyOf(require(id).scripts);
  }

  /** Extensions created in a container so far. */
  public synchronized List<String> extensionsCreated(DatabaseId id) {
    return List.copyOf(require(id).extensions);
  }

  /** The spec a container was started with. */
  public synchronized ContainerSpec specOf(DatabaseId id) {
    return require(id).spec;
  }

  /** How many quiesce handles are open. */
  public synchronized int openQuiesces() {
    return quiesced;
  }

  private Container require(DatabaseId id) {
    Container c = containers.get(id);
    if (c == null) {
      throw new NotFoundException("container", id.value());
    }
    return c;
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InfrastructureException("no data in " + file.getParent(), e);
    }
  }
}
