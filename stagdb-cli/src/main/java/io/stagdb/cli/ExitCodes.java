package io.stagdb.cli;

import io.stagdb.client.StagDbApiException;
import java.io.PrintWriter;

/**
 * The exit status of a {@code stagdb} command, one per kind of failure, so that scripts can tell
 * them apart. The README lists them.
 */
public final class ExitCodes {
  public static final int OK = 0;
  /** Anything not below. */
  public static final int FAILED = 1;
  /** A bad command line or request (picocli's usage errors, 400, 413, 415, 422). */
  public static final int BAD_INPUT = 2;
  public static final int NOT_FOUND = 3;
  /** The name is taken, there are dependents, or it is busy (409). */
  public static final int CONFLICT = 4;
  /** No key, a wrong one (401), or one without the scope (403). */
  public static final int UNAUTHORIZED = 5;
  /** The server failed (5xx), could not be reached, or the infrastructure under it failed. */
  public static final int SERVER = 6;
  /** Too many requests (429): retry after the time the message gives. */
  public static final int RATE_LIMITED = 7;

  private ExitCodes() {
  }

  /** Prints why a command failed and returns its exit status. */
  public static int report(Exception e, PrintWriter err) {
    if (e instanceof StagDbApiException api) {
      var problem = api.problem();
      StringBuilder line = new StringBuilder("error: ").append(api.getMessage());
      if (problem != null && problem.field() != null) {
        line.append(" (field '").append(problem.field()).append("')");
      }
      if (problem != null && problem.dependents() != null && !problem.dependents().isEmpty()) {
        line.append("; dependents: ").append(String.join(", ", problem.dependents()));
      }
      err.println(line);
      int code = of(api);
      if (code == UNAUTHORIZED && api.status() == 401) {
        err.println("hint: give a valid API key ($STAGDB_API_KEY, --api-key-file, or the context's apiKey)");
      }
      if (api instanceof StagDbApiException.Unreachable && !api.getMessage().startsWith("TLS")) {
        err.println("hint: is the server running? --url, $STAGDB_URL or a context (stagdb context add) names it");
      }
      err.flush();
      return code;
    }
    err.println("error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    err.flush();
    return e instanceof IllegalArgumentException ? BAD_INPUT : FAILED;
  }

  static int of(StagDbApiException e) {
    if (e instanceof StagDbApiException.BadRequest) {
      return BAD_INPUT;
    }
    if (e instanceof StagDbApiException.NotFound) {
      return NOT_FOUND;
    }
    if (e instanceof StagDbApiException.Conflict) {
      return CONFLICT;
    }
    if (e instanceof StagDbApiException.Unauthorized || e instanceof StagDbApiException.Forbidden) {
      return UNAUTHORIZED;
    }
    if (e instanceof StagDbApiException.RateLimited) {
      return RATE_LIMITED;
    }
    return SERVER;
  }
}
