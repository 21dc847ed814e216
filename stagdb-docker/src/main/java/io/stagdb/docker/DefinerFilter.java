package io.stagdb.docker;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Streams a MySQL or MariaDB dump on, with every {@code DEFINER=user@host} of a trigger, routine, view
 * or event made {@code DEFINER=CURRENT_USER}: the source's accounts do not exist in the copy, where
 * such an object would fail on first use (what {@code pg_restore --no-owner} does for PostgreSQL).
 * Only statement lines that begin with {@code CREATE} or a versioned comment are looked at; data
 * lines pass byte for byte.
 */
final class DefinerFilter {
  private static final Pattern DEFINER = Pattern.compile(
      "DEFINER\\s*=\\s*(`[^`]*`|'[^']*'|[^\\s@*]+)\\s*@\\s*(`[^`]*`|'[^']*'|[^\\s*]+)");
  private static final byte[] CREATE = "CREATE".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] VERSIONED = "/*!".getBytes(StandardCharsets.US_ASCII);

  private DefinerFilter() {
  }

  /** Copies {@code in} to {@code out} until its end, rewriting definers; closes neither. */
  static void copy(InputStream in, OutputStream out) throws IOException {
    BufferedInputStream input = new BufferedInputStream(in, 1 << 16);
    BufferedOutputStream output = new BufferedOutputStream(out, 1 << 16);
    ByteArrayOutputStream head = new ByteArrayOutputStream(256);   // the line so far, while it may be a statement
    boolean raw = false;   // the rest of this line passes as it is
    int b;
    while ((b = input.read()) >= 0) {
      if (raw) {
        output.write(b);
      } else {
        head.write(b);
        if (b != '\n' && head.size() <= CREATE.length && !mayBeStatement(head.toByteArray())) {
          head.writeTo(output);
          head.reset();
          raw = true;
        }
      }
      if (b == '\n') {
        if (head.size() > 0) {
          output.write(rewrite(head.toString(StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1));
          head.reset();
        }
        raw = false;
      }
    }
    if (head.size() > 0) {
      output.write(rewrite(head.toString(StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1));
    }
    output.flush();
  }

  /** Whether a line that begins with these bytes may still be a {@code CREATE} or versioned-comment statement. */
  private static boolean mayBeStatement(byte[] start) {
    return matchesSoFar(start, CREATE) || matchesSoFar(start, VERSIONED);
  }

  private static boolean matchesSoFar(byte[] start, byte[] prefix) {
    for (int i = 0; i < Math.min(start.length, prefix.length); i++) {
      if (start[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** A statement line with its definers made the current user's (bytes kept as they are otherwise). */
  static String rewrite(String line) {
    return line.contains("DEFINER") ? DEFINER.matcher(line).replaceAll("DEFINER=CURRENT_USER") : line;
  }
}
