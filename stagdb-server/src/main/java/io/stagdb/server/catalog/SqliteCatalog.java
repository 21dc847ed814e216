package io.stagdb.server.catalog;

import com.fasterxml.jackson.core.type.TypeReference;
import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseId;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.Engine;
import io.stagdb.domain.model.EngineSettings;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.ImportSource;
import io.stagdb.domain.model.RefreshPolicy;
import io.stagdb.domain.model.Event;
import io.stagdb.domain.model.EventType;
import io.stagdb.domain.model.Resources;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.model.SnapshotId;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.out.Catalog;
import io.stagdb.domain.port.out.CatalogReader;
import io.stagdb.domain.port.out.CatalogTransaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The catalog port on SQLite; events go to the outbox table in the same transaction as the change. */
public final class SqliteCatalog implements Catalog {
  private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {
  };
  private static final TypeReference<List<String>> LIST = new TypeReference<>() {
  };
  private static final String DATABASE_COLUMNS = "id, name, engine, version, status, memory_bytes, milli_cpus, "
      + "storage_bytes, port, username, password, database_name, env, init_scripts, volume, origin, expires_at, labels, "
      + "status_detail, created_at, updated_at, extensions, settings, source_url, source_refresh, source_keep";
  private static final String SNAPSHOT_COLUMNS = "id, name, database_id, database_name, volume, automatic, created_at";

  private final SqliteDatabase db;

  public SqliteCatalog(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public <T> T transact(Function<CatalogTransaction, T> work) {
    return db.write(connection -> work.apply(new Tx(connection)));
  }

  @Override
  public List<Event> pendingEvents(int limit) {
    return db.read(c -> {
      List<Event> events = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement(
          "SELECT id, type, occurred_at, data FROM events WHERE dispatched = 0 ORDER BY seq LIMIT ?")) {
        s.setInt(1, limit);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            events.add(new Event(rs.getString(1), EventType.fromWireName(rs.getString(2)),
                Instant.parse(rs.getString(3)), Sql.parse(rs.getString(4), MAP)));
          }
        }
      }
      return events;
    });
  }

  @Override
  public void markDispatched(String eventId) {
    db.write(c -> {
      try (PreparedStatement s = c.prepareStatement("UPDATE events SET dispatched = 1 WHERE id = ?")) {
        s.setString(1, eventId);
        s.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Optional<Database> findDatabase(DatabaseName name) {
    return db.read(c -> new Reader(c).findDatabase(name));
  }

  @Override
  public Optional<Database> findDatabase(DatabaseId id) {
    return db.read(c -> new Reader(c).findDatabase(id));
  }

  @Override
  public List<Database> databases() {
    return db.read(c -> new Reader(c).databases());
  }

  @Override
  public Optional<Snapshot> findSnapshot(SnapshotName name) {
    return db.read(c -> new Reader(c).findSnapshot(name));
  }

  @Override
  public Optional<Snapshot> findSnapshot(SnapshotId id) {
    return db.read(c -> new Reader(c).findSnapshot(id));
  }

  @Override
  public List<Snapshot> snapshots() {
    return db.read(c -> new Reader(c).snapshots());
  }

  /** Reads on one connection; SQL errors become infrastructure errors. */
  private static class Reader implements CatalogReader {
    final Connection c;

    Reader(Connection c) {
      this.c = c;
    }

    @Override
    public Optional<Database> findDatabase(DatabaseName name) {
      return Sql.first(databasesWhere("name = ?", name.value()));
    }

    @Override
    public Optional<Database> findDatabase(DatabaseId id) {
      return Sql.first(databasesWhere("id = ?", id.value()));
    }

    @Override
    public List<Database> databases() {
      return databasesWhere("1 = 1 ORDER BY name");
    }

    @Override
    public Optional<Snapshot> findSnapshot(SnapshotName name) {
      return Sql.first(snapshotsWhere("name = ?", name.value()));
    }

    @Override
    public Optional<Snapshot> findSnapshot(SnapshotId id) {
      return Sql.first(snapshotsWhere("id = ?", id.value()));
    }

    @Override
    public List<Snapshot> snapshots() {
      return snapshotsWhere("1 = 1 ORDER BY created_at, rowid");
    }

    private List<Database> databasesWhere(String where, String... args) {
      return query("SELECT " + DATABASE_COLUMNS + " FROM databases WHERE " + where, args, SqliteCatalog::database);
    }

    private List<Snapshot> snapshotsWhere(String where, String... args) {
      return query("SELECT " + SNAPSHOT_COLUMNS + " FROM snapshots WHERE " + where, args, SqliteCatalog::snapshot);
    }

    private <T> List<T> query(String sql, String[] args, Sql.Row<T> mapper) {
      try {
        return Sql.query(c, sql, List.of(args), mapper);
      } catch (SQLException e) {
        throw new InfrastructureException("catalog read failed: " + e.getMessage(), e);
      }
    }
  }

  private static final class Tx extends Reader implements CatalogTransaction {
    Tx(Connection c) {
      super(c);
    }

    @Override
    public void insert(Database d) {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO databases (" + DATABASE_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        bindDatabase(s, d);
        s.executeUpdate();
      } catch (SQLException e) {
        throw uniqueOr(e, "database '" + d.name() + "' or port " + d.port());
      }
    }

    @Override
    public void update(Database d) {
      try (PreparedStatement s = c.prepareStatement("UPDATE databases SET id = ?, name = ?, engine = ?, version = ?, "
          + "status = ?, memory_bytes = ?, milli_cpus = ?, storage_bytes = ?, port = ?, username = ?, password = ?, "
          + "database_name = ?, env = ?, init_scripts = ?, volume = ?, origin = ?, expires_at = ?, labels = ?, "
          + "status_detail = ?, created_at = ?, updated_at = ?, extensions = ?, settings = ?, source_url = ?, source_refresh = ?, source_keep = ? WHERE id = ?")) {
        bindDatabase(s, d);
        s.setString(27, d.id().value());
        if (s.executeUpdate() == 0) {
          throw new NotFoundException("database", d.name().value());
        }
      } catch (SQLException e) {
        throw uniqueOr(e, "database '" + d.name() + "' or port " + d.port());
      }
    }

    @Override
    public void delete(DatabaseId id) {
      execute("DELETE FROM databases WHERE id = ?", id.value());
    }

    @Override
    public void insert(Snapshot snapshot) {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO snapshots (" + SNAPSHOT_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        s.setString(1, snapshot.id().value());
        s.setString(2, snapshot.name().value());
        s.setString(3, snapshot.database().value());
        s.setString(4, snapshot.databaseName().value());
        s.setString(5, snapshot.volume());
        s.setInt(6, snapshot.automatic() ? 1 : 0);
        s.setString(7, snapshot.createdAt().toString());
        s.executeUpdate();
      } catch (SQLException e) {
        throw uniqueOr(e, "snapshot '" + snapshot.name() + "'");
      }
    }

    @Override
    public void delete(SnapshotId id) {
      execute("DELETE FROM snapshots WHERE id = ?", id.value());
    }

    @Override
    public void emit(Event event) {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO events (id, type, occurred_at, data) VALUES (?, ?, ?, ?)")) {
        s.setString(1, event.id());
        s.setString(2, event.type().wireName());
        s.setString(3, event.occurredAt().toString());
        s.setString(4, Sql.json(event.data()));
        s.executeUpdate();
      } catch (SQLException e) {
        throw new InfrastructureException("cannot record event: " + e.getMessage(), e);
      }
    }

    private void execute(String sql, String arg) {
      try (PreparedStatement s = c.prepareStatement(sql)) {
        s.setString(1, arg);
        s.executeUpdate();
      } catch (SQLException e) {
        throw new InfrastructureException("catalog write failed: " + e.getMessage(), e);
      }
    }
  }

  private static RuntimeException uniqueOr(SQLException e, String what) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("UNIQUE constraint failed") || message.contains("PRIMARY KEY")) {
      String column = message.substring(message.lastIndexOf('.') + 1).replaceAll("[^a-z_]", "");
      return new ConflictException(ConflictException.Reason.ALREADY_EXISTS,
          column.equals("port") ? "the port of " + what + " is already used" : what + " already exists");
    }
    return new InfrastructureException("catalog write failed: " + message, e);
  }

  private static void bindDatabase(PreparedStatement s, Database d) throws SQLException {
    s.setString(1, d.id().value());
    s.setString(2, d.name().value());
    s.setString(3, d.engine().engine().id());
    s.setString(4, d.engine().version());
    s.setString(5, d.status().name());
    s.setLong(6, d.resources().memoryBytes());
    s.setLong(7, d.resources().milliCpus());
    s.setLong(8, d.resources().storageBytes());
    s.setInt(9, d.port());
    s.setString(10, d.credentials().username());
    s.setString(11, d.credentials().password());
    s.setString(12, d.credentials().database());
    s.setString(13, Sql.json(d.env()));
    s.setString(14, Sql.json(d.initScripts()));
    s.setString(15, d.volume());
    s.setString(16, d.origin() == null ? null : d.origin().value());
    s.setString(17, d.expiresAt() == null ? null : d.expiresAt().toString());
    s.setString(18, Sql.json(d.labels()));
    s.setString(19, d.statusDetail());
    s.setString(20, d.createdAt().toString());
    s.setString(21, d.updatedAt().toString());
    s.setString(22, Sql.json(d.engineSettings().extensions()));
    s.setString(23, Sql.json(d.engineSettings().settings()));
    s.setString(24, d.source() == null ? null : d.source().url());
    s.setString(25, d.refresh() == null ? null : d.refresh().schedule());
    s.setInt(26, d.refresh() == null ? RefreshPolicy.DEFAULT_KEEP : d.refresh().keep());
  }

  private static Database database(ResultSet rs) throws SQLException {
    String origin = rs.getString("origin");
    String expires = rs.getString("expires_at");
    String source = rs.getString("source_url");
    return new Database(new DatabaseId(rs.getString("id")), new DatabaseName(rs.getString("name")),
        new EngineVersion(Engine.parse("engine", rs.getString("engine")), rs.getString("version")),
        DatabaseStatus.valueOf(rs.getString("status")),
        new Resources(rs.getLong("memory_bytes"), rs.getLong("milli_cpus"), rs.getLong("storage_bytes")),
        rs.getInt("port"),
        new Credentials(rs.getString("username"), rs.getString("password"), rs.getString("database_name")),
        Sql.parse(rs.getString("env"), MAP), Sql.parse(rs.getString("init_scripts"), LIST),
        new EngineSettings(Sql.parse(rs.getString("extensions"), LIST), Sql.parse(rs.getString("settings"), MAP)),
        source == null ? null : ImportSource.parse(source),
        source == null ? null : new RefreshPolicy(rs.getString("source_refresh"), rs.getInt("source_keep")), rs.getString("volume"),
        origin == null ? null : new SnapshotId(origin), expires == null ? null : Instant.parse(expires),
        Sql.parse(rs.getString("labels"), MAP), rs.getString("status_detail"),
        Instant.parse(rs.getString("created_at")), Instant.parse(rs.getString("updated_at")));
  }

  private static Snapshot snapshot(ResultSet rs) throws SQLException {
    return new Snapshot(new SnapshotId(rs.getString("id")), new SnapshotName(rs.getString("name")),
        new DatabaseId(rs.getString("database_id")), new DatabaseName(rs.getString("database_name")),
        rs.getString("volume"), rs.getInt("automatic") == 1, Instant.parse(rs.getString("created_at")));
  }
}
