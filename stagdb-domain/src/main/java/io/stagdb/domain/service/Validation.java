package io.stagdb.domain.service;

import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.model.Quantities;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks of a request that need no port: environment, init scripts, labels, ports, TTLs. */
final class Validation {
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Pattern LABEL_KEY = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?");
  private static final int MAX_LABELS = 20;
  private static final int MAX_ENV = 100;
  private static final int MAX_SCRIPTS = 100;
  private static final int MAX_SCRIPT_CHARS = 1 << 20;

  private final StagDbSettings settings;
  private final Clock clock;

  Validation(StagDbSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  Integer port(Integer port) {
    return port == null ? null : settings.ports().requireContains("config.port", port);
  }

  /** When a TTL ends, or {@code null} without one; at most the configured longest TTL. */
  Instant expiry(Duration ttl) {
    if (ttl == null) {
      return null;
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new InvalidRequestException("ttl", "must be positive (got " + ttl + ")");
    }
    if (ttl.compareTo(settings.maxTtl()) > 0) {
      throw new InvalidRequestException("ttl", "must be at most " + Quantities.formatDuration(settings.maxTtl())
          + " (got " + Quantities.formatDuration(ttl) + ")");
    }
    return clock.instant().plus(ttl);
  }

  /** Names users may give: not those stagDB gives its standbys. */
  static void name(io.stagdb.domain.model.DatabaseName name) {
    if (Standbys.isReserved(name)) {
      throw new InvalidRequestException("name", "names like standby-<12 hex digits> are stagDB's own; choose another");
    }
  }

  static void env(Map<String, String> env) {
    if (env.size() > MAX_ENV) {
      throw new InvalidRequestException("config.env", "at most " + MAX_ENV + " variables (got " + env.size() + ")");
    }
    env.forEach((key, value) -> {
      if (!ENV_NAME.matcher(key).matches()) {
        throw new InvalidRequestException("config.env", "variable names are letters, digits and '_', not starting with a digit");
      }
      if (value == null || value.indexOf('\0') >= 0) {
        throw new InvalidRequestException("config.env." + key, "must be a string without NUL characters");
      }
    });
  }

  static void labels(Map<String, String> labels) {
    if (labels.size() > MAX_LABELS) {
      throw new InvalidRequestException("labels", "at most " + MAX_LABELS + " labels");
    }
    labels.forEach((key, value) -> {
      if (!LABEL_KEY.matcher(key).matches() || key.startsWith("io.stagdb.") && !key.startsWith("io.stagdb.session")) {
        throw new InvalidRequestException("labels", "keys are lowercase letters, digits, '.', '_' and '-' (io.stagdb.* is"
            + " reserved except io.stagdb.session)");
      }
      if (value == null || value.length() > 255 || value.chars().anyMatch(Character::isISOControl)) {
        throw new InvalidRequestException("labels." + key, "at most 255 printable characters");
      }
    });
  }

  static void scripts(List<String> scripts) {
    if (scripts.size() > MAX_SCRIPTS) {
      throw new InvalidRequestException("config.initScripts", "at most " + MAX_SCRIPTS + " scripts");
    }
    long total = 0;
    for (String script : scripts) {
      if (script == null || script.isBlank()) {
        throw new InvalidRequestException("config.initScripts", "scripts must not be empty");
      }
      total += script.length();
    }
    if (total > MAX_SCRIPT_CHARS) {
      throw new InvalidRequestException("config.initScripts", "at most " + MAX_SCRIPT_CHARS + " characters in all");
    }
  }
}
