package io.stagdb.server.catalog;

import io.stagdb.domain.error.InfrastructureException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.flywaydb.core.Flyway;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The catalog's SQLite file: created with mode 0600 (it holds database passwords), migrated by
 * Flyway, in WAL mode with full sync (an acknowledged change survives a crash) and a busy timeout.
 * One writer at a time ({@code BEGIN IMMEDIATE}) and a few concurrent readers.
 */
public final class SqliteDatabase implements AutoCloseable {
  private static final int READERS = 4;

  private final SQLiteDataSource dataSource;
  private final Connection writer;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
  private final List<Connection> all = new ArrayList<>();

  /** A unit of work on the write connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private SqliteDatabase(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.setBusyTimeout(10_000);
    config.enforceForeignKeys(true);
    dataSource = new SQLiteDataSource(config);
    dataSource.setUrl("jdbc:sqlite:" + file);
    Flyway.configure().dataSource(dataSource).locations("classpath:io/stagdb/server/catalog/migration")
        .load().migrate();
    writer = open();
    for (int i = 0; i < READERS; i++) {
      readers.add(open());
    }
  }

  /** Opens (creating with mode 0600 if needed) and migrates the catalog file. */
  public static SqliteDatabase open(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      if (!Files.exists(file)) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      }
      return new SqliteDatabase(file);
    } catch (IOException | SQLException | RuntimeException e) {
      throw new InfrastructureException("cannot open the catalog " + file + ": " + e.getMessage(), e);
    }
  }

  private Connection open() throws SQLException {
    Connection c = dataSource.getConnection();
    all.add(c);
    return c;
  }

  /** Runs {@code work} in one immediate transaction: all of it commits, or none. */
  public <T> T write(Work<T> work) {
    writeLock.lock();
    try {
      try (Statement s = writer.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
      }
      try {
        T result = work.run(writer);
        try (Statement s = writer.createStatement()) {
          s.execute("COMMIT");
        }
        return result;
      } catch (SQLException | RuntimeException e) {
        try (Statement s = writer.createStatement()) {
          s.execute("ROLLBACK");
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw new InfrastructureException("catalog write failed: " + e.getMessage(), e);
    } finally {
      writeLock.unlock();
    }
  }

  /** Runs a read on one of the reader connections (inside a write, on the writer, to see its changes). */
  public <T> T read(Work<T> work) {
    if (writeLock.isHeldByCurrentThread()) {
      try {
        return work.run(writer);
      } catch (SQLException e) {
        throw new InfrastructureException("catalog read failed: " + e.getMessage(), e);
      }
    }
    Connection c;
    try {
      c = readers.poll(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InfrastructureException("interrupted while waiting for the catalog", e);
    }
    if (c == null) {
      throw new InfrastructureException("the catalog is overloaded: no reader free within 30 s");
    }
    try {
      return work.run(c);
    } catch (SQLException e) {
      throw new InfrastructureException("catalog read failed: " + e.getMessage(), e);
    } finally {
      readers.add(c);
    }
  }

  @Override
  public void close() {
    for (Connection c : all) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
  }
}
