package io.stagdb.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.stagdb.api.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a command prints: aligned tables and "key: value" blocks for people, or with
 * {@code --output json} exactly the API's objects (a list command prints a JSON array of them).
 */
final class Output {
  private static final ObjectWriter JSON = Json.lenientMapper().writerWithDefaultPrettyPrinter();

  enum Format { TABLE, JSON }

  private final PrintWriter out;
  private final Format format;
  private final Instant now;

  Output(PrintWriter out, Format format, Instant now) {
    this.out = out;
    this.format = format;
    this.now = now;
  }

  boolean json() {
    return format == Format.JSON;
  }

  /** The API's object (or list of them) as JSON; in table mode, {@code human} prints it. */
  void print(Object api, Runnable human) {
    if (json()) {
      try {
        out.println(JSON.writeValueAsString(api));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot print JSON: " + e.getMessage(), e);
      }
    } else {
      human.run();
    }
    out.flush();
  }

  /** A line for people only (nothing in JSON mode, where only the API's objects are printed). */
  void say(String line) {
    if (!json()) {
      out.println(line);
      out.flush();
    }
  }

  /** Columns aligned on the widest cell; no trailing blanks; "-" for an empty cell. */
  void table(List<String> headers, List<List<String>> rows) {
    int[] width = new int[headers.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(headers);
    for (List<String> row : rows) {
      all.add(row.stream().map(c -> c == null || c.isEmpty() ? "-" : c).toList());
    }
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(row.get(i));
        if (i < row.size() - 1) {
          line.append(" ".repeat(width[i] - row.get(i).length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }

  /** "key: value" lines, keys aligned; a {@code null} value is left out. */
  void fields(List<String[]> pairs) {
    int width = pairs.stream().filter(p -> p[1] != null).mapToInt(p -> p[0].length()).max().orElse(0);
    for (String[] pair : pairs) {
      if (pair[1] != null) {
        out.println(pair[0] + ":" + " ".repeat(width - pair[0].length() + 1) + pair[1]);
      }
    }
  }

  /** "3m ago" for an API timestamp; the text itself if it is not one. */
  String ago(String timestamp) {
    Instant at = instant(timestamp);
    return at == null ? timestamp : duration(Duration.between(at, now)) + " ago";
  }

  /** "in 1h 59m" (or "expired") for an API timestamp in the future. */
  String until(String timestamp) {
    Instant at = instant(timestamp);
    if (at == null) {
      return timestamp;
    }
    Duration left = Duration.between(now, at);
    return left.isNegative() ? "expired" : "in " + duration(left);
  }

  private static Instant instant(String timestamp) {
    if (timestamp == null) {
      return null;
    }
    try {
      return Instant.parse(timestamp);
    } catch (DateTimeParseException notOne) {
      return null;
    }
  }

  /** A duration as people read it: 0.4 s, 12 s, 3m 05s, 2h 10m, 3d 4h. */
  static String duration(Duration d) {
    long ms = Math.max(0, d.toMillis());
    if (ms < 10_000) {
      return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    long s = ms / 1000;
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
    }
    if (s < 86_400) {
      return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
    }
    return String.format(Locale.ROOT, "%dd %dh", s / 86_400, (s % 86_400) / 3600);
  }

  /** Bytes as people read them: 512 B, 12.3 MB, 1.20 GB (powers of 1024). */
  static String bytes(Long n) {
    if (n == null) {
      return "n/a";
    }
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KB", "MB", "GB", "TB", "PB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, units[u]);
  }
}
