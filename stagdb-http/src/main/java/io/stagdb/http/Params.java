package io.stagdb.http;

import io.javalin.http.Context;
import io.stagdb.api.Dto;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.Quantities;
import io.stagdb.domain.model.ResourceRequest;
import io.stagdb.domain.model.SnapshotName;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/** What a request asks for, read from its path and query: names, flags, numbers, pages (400 naming the field when wrong). */
final class Params {
  private Params() {
  }

  /**
   * One shape for every list: {@code {items, total, offset, limit}}, the page that {@code limit}
   * (1-1000, default 100) and {@code offset} ask for; only the page's items are rendered.
   */
  static <T, V> Dto.Page<V> page(Context ctx, List<T> all, java.util.function.Function<T, V> view) {
    int limit = intParam(ctx, "limit", 100, 1, 1000);
    int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    return new Dto.Page<>(all.stream().skip(offset).limit(limit).map(view).toList(), all.size(), offset, limit);
  }

  static ResourceRequest resources(Dto.Config config) {
    return new ResourceRequest(config.memory(), config.cpu(), config.storage());
  }

  static DatabaseName databaseName(Context ctx) {
    return DatabaseName.of("name", ctx.pathParam("name"));
  }

  static SnapshotName snapshotName(Context ctx) {
    return SnapshotName.of("name", ctx.pathParam("name"));
  }

  static boolean cascade(Context ctx) {
    return booleanParam(ctx, "cascade", false);
  }

  static boolean booleanParam(Context ctx, String name, boolean fallback) {
    String value = ctx.queryParam(name);
    if (value == null) {
      return fallback;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw new InvalidRequestException(name, "must be true or false");
    };
  }

  static int intParam(Context ctx, String name, int fallback, int min, int max) {
    String value = ctx.queryParam(name);
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new InvalidRequestException(name, "must be a whole number from " + min + " to " + max);
    }
  }

  static DatabaseStatus status(String value) {
    try {
      return DatabaseStatus.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("status", "must be one of creating, importing, running, stopped, failed, deleting");
    }
  }

  /** An ISO-8601 instant, or a duration meaning "that long ago". */
  static Instant instantOrAgo(String field, String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notAnInstant) {
      return Instant.now().minus(Quantities.parseDuration(field, text));
    }
  }
}
