package io.stagdb.domain.service;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.DumpFormat;
import io.stagdb.domain.port.in.DumpImport;
import io.stagdb.domain.port.out.DatabaseRuntime;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * A dump uploaded into a running database, all or nothing: a ZFS safety point is taken of the
 * quiesced engine first, and when the restore fails (the engine refuses the dump, the upload
 * breaks off) the volume is rolled back to it. A safety point that outlives its import (the server
 * was killed) is rolled back to by the {@link Reconciler}.
 */
final class DumpImports {
  /** The snapshot a volume is rolled back to when its import fails; not a catalogued snapshot. */
  static final String SAFETY_POINT = "before-import";

  private final Provisioning p;

  DumpImports(Provisioning provisioning) {
    this.p = provisioning;
  }

  DumpImport importDump(DatabaseName name, InputStream dump) {
    return p.locked(Provisioning.keys(Provisioning.db(name), Locks.Mode.EXCLUSIVE), () -> {
      Database database = Lineage.requireDatabase(p.catalog, name);
      if (Standbys.isStandby(database)) {
        throw new io.stagdb.domain.error.NotFoundException("database", name.value());
      }
      Provisioning.requireUsable(database);
      if (database.status() != DatabaseStatus.RUNNING) {
        throw new ConflictException(ConflictException.Reason.INVALID_STATE, "database '" + name + "' is "
            + database.status() + "; only a running database takes a dump (start it first)");
      }
      Counting in = new Counting(new BufferedInputStream(dump, 1 << 16));
      DumpFormat format = DumpFormat.detect(database.engine().engine(), in.head(), in.headLength());
      long started = System.nanoTime();
      if (p.volumes.snapshotExists(database.volume(), SAFETY_POINT)) {
        rollBack(database);   // an earlier import was cut short and not yet undone
      }
      try (DatabaseRuntime.Quiesced quiesced = p.runtime.quiesce(database.id(), database.credentials())) {
        p.volumes.snapshot(database.volume(), SAFETY_POINT);
      }
      try {
        p.runtime.restoreDump(database.id(), database.credentials(), format, in);
      } catch (RuntimeException e) {
        try {
          rollBack(database);
        } catch (RuntimeException undoFailed) {
          e.addSuppressed(undoFailed);   // the safety point stays; the reconciler rolls back to it
        }
        throw e;
      }
      Provisioning.afterCommit("drop the safety point of " + name,
          () -> p.volumes.destroySnapshot(database.volume(), SAFETY_POINT));
      return new DumpImport(name, format, in.count, Duration.ofNanos(System.nanoTime() - started));
    });
  }

  /** The database's data as at its safety point, the engine running again (when it was); the point dropped. */
  void rollBack(Database database) {
    p.runtime.halt(database.id(), false);
    p.volumes.rollback(database.volume(), SAFETY_POINT);
    if (database.status() == DatabaseStatus.RUNNING) {
      p.runtime.resume(database.id());
      p.runtime.awaitReady(database.id(), database.credentials(), p.settings.readyTimeout());
    }
    p.volumes.destroySnapshot(database.volume(), SAFETY_POINT);
  }

  /** The dump with its first bytes looked at and how much of it has been read. */
  private static final class Counting extends FilterInputStream {
    private final byte[] head = new byte[DumpFormat.HEAD_BYTES];
    private int headLength;
    long count;

    Counting(BufferedInputStream in) {
      super(in);
      try {
        in.mark(head.length);
        while (headLength < head.length) {
          int n = in.read(head, headLength, head.length - headLength);
          if (n < 0) {
            break;
          }
          headLength += n;
        }
        in.reset();
      } catch (IOException e) {
        throw new InfrastructureException("the upload broke off before the dump began: " + e.getMessage(), e);
      }
    }

    byte[] head() {
      return head;
    }

    int headLength() {
      return headLength;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
