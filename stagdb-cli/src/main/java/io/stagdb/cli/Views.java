package io.stagdb.cli;

import io.stagdb.api.Dto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** How the API's objects look to people: one row in a list, or a block of fields. */
final class Views {
  private Views() {
  }

  static final List<String> DATABASE_COLUMNS = List.of("NAME", "TYPE", "STATUS", "PORT", "ORIGIN", "EXPIRES", "CREATED");

  static List<String> row(Dto.Database d, Output out) {
    return List.of(d.name(), d.type() + " " + d.version(), d.status(),
        d.connection() == null ? "" : Integer.toString(d.connection().port()), nullToEmpty(d.origin()),
        d.expiresAt() == null ? "" : out.until(d.expiresAt()), out.ago(d.createdAt()));
  }

  static void database(Dto.Database d, Output out) {
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"name", d.name()});
    f.add(new String[] {"id", d.id()});
    f.add(new String[] {"type", d.type() + " " + d.version()});
    f.add(new String[] {"status", d.status() + (d.statusDetail() == null ? "" : " (" + d.statusDetail() + ")")});
    if (d.connection() != null) {
      f.add(new String[] {"url", d.url()});
      f.add(new String[] {"host", d.connection().host() + ":" + d.connection().port()});
      f.add(new String[] {"username", d.connection().username()});
      f.add(new String[] {"password", d.connection().password()});
      f.add(new String[] {"database", d.connection().database()});
    }
    if (d.resources() != null) {
      f.add(new String[] {"resources", "memory " + d.resources().memory() + ", cpu " + d.resources().cpu() + ", storage "
          + d.resources().storage()});
    }
    f.add(new String[] {"extensions", d.extensions() == null ? null : String.join(", ", d.extensions())});
    f.add(new String[] {"settings", d.settings() == null ? null : labels(d.settings())});
    f.add(new String[] {"origin", d.origin()});
    f.add(new String[] {"expires", d.expiresAt() == null ? null : out.until(d.expiresAt()) + " (" + d.expiresAt() + ")"});
    f.add(new String[] {"labels", d.labels() == null || d.labels().isEmpty() ? null : labels(d.labels())});
    f.add(new String[] {"created", out.ago(d.createdAt())});
    out.fields(f);
  }

  static final List<String> SNAPSHOT_COLUMNS = List.of("NAME", "DATABASE", "AUTOMATIC", "BRANCHES", "CREATED");

  static List<String> row(Dto.Snapshot s, Output out) {
    return List.of(s.name(), s.database(), s.automatic() ? "yes" : "no",
        s.branches() == null ? "" : String.join(",", s.branches()), out.ago(s.createdAt()));
  }

  static String labels(Map<String, String> labels) {
    return new TreeMap<>(labels).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
