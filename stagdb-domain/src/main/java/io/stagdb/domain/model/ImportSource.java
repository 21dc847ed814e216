package io.stagdb.domain.model;

import io.stagdb.domain.error.InvalidRequestException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * A live database that data is copied in from, as a connection URL:
 * {@code postgresql://reader:secret@prod.internal:5432/app}, {@code mysql://…}, {@code mariadb://…}
 * or {@code mongodb://…}. The password is a secret: {@link #masked()} and {@link #toString()} never
 * show it, and only the catalog keeps {@link #url()}.
 *
 * @param engine   the engine the scheme names; it must be the target's
 * @param host     host name or address, as the copy container resolves it
 * @param port     the port, the engine's default when the URL has none
 * @param database the database to copy (for MongoDB: every database when empty)
 * @param user     the login, never empty
 * @param password the login's password, empty when it has none
 */
public record ImportSource(Engine engine, String host, int port, String database, String user, String password) {
  private static final String FIELD = "source.url";
  private static final String MASK = "********";

  public ImportSource {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(user, "user");
    password = password == null ? "" : password;
  }

  /** Reads a source URL; a bad one is an {@code InvalidRequestException} on {@code source.url} that never repeats it. */
  public static ImportSource parse(String url) {
    if (url == null || url.isBlank()) {
      throw new InvalidRequestException(FIELD, "is required, e.g. postgresql://reader:password@prod.internal:5432/app");
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new InvalidRequestException(FIELD, "is not a URL (a password with '@', '/' or ':' must be percent-encoded)");
    }
    if (uri.getScheme() == null || uri.getRawAuthority() == null) {
      throw new InvalidRequestException(FIELD, "must look like postgresql://user:password@host:5432/database");
    }
    Engine engine = switch (uri.getScheme().toLowerCase(Locale.ROOT)) {
      case "postgresql", "postgres" -> Engine.POSTGRESQL;
      case "mysql" -> Engine.MYSQL;
      case "mariadb" -> Engine.MARIADB;
      case "mongodb" -> Engine.MONGODB;
      default -> throw new InvalidRequestException(FIELD, "scheme '" + Text.shorten(uri.getScheme())
          + "' is not one of postgresql, mysql, mariadb, mongodb");
    };
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new InvalidRequestException(FIELD, "names no host");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new InvalidRequestException(FIELD, "takes no query or fragment; only user, password, host, port and database");
    }
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null || userInfo.isEmpty() || userInfo.startsWith(":")) {
      throw new InvalidRequestException(FIELD, "names no user (user:password@ before the host)");
    }
    int colon = userInfo.indexOf(':');
    String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
    String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String database = decode(path.startsWith("/") ? path.substring(1) : path);
    if (database.contains("/")) {
      throw new InvalidRequestException(FIELD, "names more than one path segment; give only the database");
    }
    if (database.isEmpty() && engine != Engine.MONGODB) {
      throw new InvalidRequestException(FIELD, "names no database (/database after the host)");
    }
    int port = uri.getPort() < 0 ? defaultPort(engine) : uri.getPort();
    for (String part : new String[] {user, password, database, uri.getHost()}) {
      if (part.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw new InvalidRequestException(FIELD, "holds a control character");
      }
    }
    return new ImportSource(engine, uri.getHost(), port, database, user, password);
  }

  private static String decode(String raw) {
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(FIELD, "has a broken percent-encoding");
    }
  }

  private static int defaultPort(Engine engine) {
    return switch (engine) {
      case POSTGRESQL -> 5432;
      case MYSQL, MARIADB -> 3306;
      case MONGODB -> 27017;
    };
  }

  /** Refuses a source of another engine than the target's (MySQL and MariaDB copy into each other). */
  public void requireCopiesInto(Engine target) {
    boolean mysqlFamily = (engine == Engine.MYSQL || engine == Engine.MARIADB)
        && (target == Engine.MYSQL || target == Engine.MARIADB);
    if (engine != target && !mysqlFamily) {
      throw new InvalidRequestException(FIELD, "is a " + engine.id() + " source; it cannot be copied into a "
          + target.id() + " database");
    }
  }

  /**
   * Refuses, before anything is copied, a source whose version is newer than the target's, or than the
   * dump tool of the target's image (a dump tool reads only servers up to its own version). PostgreSQL
   * compares major versions; MySQL, MariaDB and MongoDB major.minor, within one family only (a MySQL
   * and a MariaDB version say nothing about each other).
   *
   * @param serverVersion the source's version as it reports it, e.g. {@code 16.2} or {@code 10.11.6-MariaDB}
   * @param tool          the dump tool's name and version, e.g. {@code pg_dump 15.10} (its first number is its
   *                      version), or {@code null} when it does not follow the server's versions
   */
  public void requireFits(EngineVersion target, String serverVersion, String tool) {
    int[] source = versionOf(serverVersion);
    int[] into = versionOf(target.version());
    boolean sameFamily = engine != Engine.MYSQL && engine != Engine.MARIADB
        || serverVersion.toLowerCase(Locale.ROOT).contains("mariadb") == (target.engine() == Engine.MARIADB);
    if (source == null || into == null || !sameFamily) {
      return;
    }
    if (newer(source, into)) {
      throw new InvalidRequestException(FIELD, "the source runs " + engine.id() + " " + Text.shorten(serverVersion)
          + ", newer than the target's " + target.version() + "; create the database with version "
          + (engine == Engine.POSTGRESQL ? source[0] : source[0] + "." + source[1]) + " or later");
    }
    int[] toolVersion = tool == null ? null : versionOf(tool);
    if (toolVersion != null && newer(source, toolVersion)) {
      throw new InvalidRequestException(FIELD, "the source runs " + engine.id() + " " + Text.shorten(serverVersion)
          + ", newer than the image's " + Text.shorten(tool) + ", which cannot dump it; use an image whose client "
          + "tools are at least as new");
    }
  }

  private boolean newer(int[] a, int[] b) {
    return engine == Engine.POSTGRESQL ? a[0] > b[0] : a[0] > b[0] || a[0] == b[0] && a[1] > b[1];
  }

  /** The first two numbers of a version text ({@code "16.2 (Debian 16.2-1)"} → 16, 2), or {@code null}. */
  private static int[] versionOf(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(?:\\.(\\d+))?").matcher(text == null ? "" : text);
    if (!m.find()) {
      return null;
    }
    try {
      return new int[] {Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2))};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The URL with its password masked, as the API returns it and logs may show it. */
  public String masked() {
    return format(password.isEmpty() ? "" : MASK);
  }

  /** The full URL, password included: for the catalog only. */
  public String url() {
    return format(encode(password));
  }

  private String format(String shownPassword) {
    String authority = encode(user) + (password.isEmpty() ? "" : ":" + shownPassword) + "@"
        + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    return scheme() + "://" + authority + "/" + encode(database);
  }

  private String scheme() {
    return engine.id();
  }

  private static String encode(String value) {
    return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public String toString() {
    return masked();
  }
}
