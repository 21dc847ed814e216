package io.stagdb.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.api.Dto;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one table from failures to HTTP answers: RFC 9457 {@code application/problem+json} bodies
 * that name the offending field; unexpected failures get a 500 with an error id that is logged
 * with the cause, never a stack trace in the answer.
 */
final class Problems {
  static final String CONTENT_TYPE = "application/problem+json";
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  private Problems() {
  }

  static Dto.Problem of(Throwable error, String path) {
    if (error instanceof NotFoundException e) {
      return problem("not-found", "Not found", 404, e.getMessage(), path, null, null, null);
    }
    if (error instanceof ConflictException e) {
      return problem("conflict", "Conflict", 409, e.getMessage(), path, null,
          e.reason().name().toLowerCase(Locale.ROOT), e.dependents().isEmpty() ? null : e.dependents());
    }
    if (error instanceof InvalidRequestException e) {
      return problem("invalid-request", "Invalid request", 400, e.getMessage(), path, e.field(), null, null);
    }
    if (error instanceof JsonMappingException e) {
      return fromJackson(e, path);
    }
    if (error instanceof JsonParseException e) {
      return problem("malformed-json", "Malformed JSON", 400, "the body is not valid JSON (line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", path, null, null, null);
    }
    if (error instanceof com.fasterxml.jackson.core.JsonProcessingException e) {
      // e.g. nesting or length beyond Jackson's stream constraints
      return problem("malformed-json", "Malformed JSON", 400, "the body is not acceptable JSON: " + e.getOriginalMessage(),
          path, null, null, null);
    }
    if (error instanceof InfrastructureException e) {
      String id = errorId();
      LOG.warn("infrastructure failure {} on {}: {}", id, path, e.getMessage());
      return new Dto.Problem(type("infrastructure"), "Infrastructure failure", 503, e.getMessage(), path, null, null,
          null, id);
    }
    String id = errorId();
    LOG.error("unexpected failure {} on {}", id, path, error);
    return new Dto.Problem(type("internal"), "Internal error", 500,
        "an unexpected error occurred; quote error id " + id + " when reporting it", path, null, null, null, id);
  }

  static Dto.Problem problem(String kind, String title, int status, String detail, String path, String field,
                             String reason, List<String> dependents) {
    return new Dto.Problem(type(kind), title, status, detail, path, field, reason, dependents, null);
  }

  private static Dto.Problem fromJackson(JsonMappingException e, String path) {
    String field = e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
    String detail;
    if (e instanceof UnrecognizedPropertyException u) {
      field = field.isEmpty() ? u.getPropertyName() : field;
      detail = "unknown field '" + field + "'";
    } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      detail = (field.isEmpty() ? "the body" : "'" + field + "'") + " must be " + describe(m.getTargetType());
    } else {
      detail = "the body does not match the expected shape";
    }
    return problem("invalid-request", "Invalid request", 400, detail, path, field.isEmpty() ? null : field, null, null);
  }

  private static String describe(Class<?> type) {
    if (type == String.class) {
      return "a string";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (java.util.Map.class.isAssignableFrom(type)) {
      return "an object of strings";
    }
    if (java.util.List.class.isAssignableFrom(type)) {
      return "an array";
    }
    return "an object";
  }

  private static String type(String kind) {
    return "urn:stagdb:problem:" + kind;
  }

  private static String errorId() {
    return "err-" + UUID.randomUUID().toString().substring(0, 13);
  }
}
