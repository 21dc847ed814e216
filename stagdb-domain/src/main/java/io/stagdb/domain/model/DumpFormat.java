package io.stagdb.domain.model;

import io.stagdb.domain.error.InvalidRequestException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** The kinds of dump a database takes by upload, told apart by their first bytes. */
public enum DumpFormat {
  /** PostgreSQL's custom archive ({@code pg_dump -Fc}), restored by {@code pg_restore}. */
  POSTGRES_CUSTOM,
  /** A script of SQL statements ({@code pg_dump} plain, {@code mysqldump}), run by the engine's shell. */
  SQL;

  /** How many first bytes {@link #detect} looks at. */
  public static final int HEAD_BYTES = 4096;
  private static final String FIELD = "body";

  /**
   * The format of a dump for {@code engine} from its first {@code length} bytes in {@code head};
   * an {@code InvalidRequestException} on {@code body} for an empty dump, one in no known format,
   * or one the engine cannot take.
   */
  public static DumpFormat detect(Engine engine, byte[] head, int length) {
    if (engine == Engine.MONGODB) {
      throw new InvalidRequestException(FIELD, "a dump upload is for PostgreSQL and MySQL/MariaDB databases;"
          + " MongoDB takes none");
    }
    if (length <= 0) {
      throw new InvalidRequestException(FIELD, "the dump is empty");
    }
    if (length >= 5 && new String(head, 0, 5, StandardCharsets.US_ASCII).equals("PGDMP")) {
      if (engine != Engine.POSTGRESQL) {
        throw new InvalidRequestException(FIELD, "this is a PostgreSQL custom-format dump; a " + engine.id()
            + " database takes a SQL dump (mysqldump)");
      }
      return POSTGRES_CUSTOM;
    }
    if (isText(head, length)) {
      return SQL;
    }
    throw new InvalidRequestException(FIELD, "unknown dump format: expected "
        + (engine == Engine.POSTGRESQL ? "a custom-format dump (pg_dump -Fc) or a plain SQL dump (pg_dump)"
            : "a SQL dump (mysqldump)") + ", uncompressed");
  }

  /** UTF-8 text without NUL; a character cut by the end of the head is allowed. */
  private static boolean isText(byte[] head, int length) {
    for (int i = 0; i < length; i++) {
      if (head[i] == 0) {
        return false;
      }
    }
    for (int cut = 0; cut <= Math.min(3, length - 1); cut++) {
      try {
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(head, 0, length - cut));
        return true;
      } catch (CharacterCodingException e) {
        // try without the last bytes: a character may be cut
      }
    }
    return false;
  }
}
