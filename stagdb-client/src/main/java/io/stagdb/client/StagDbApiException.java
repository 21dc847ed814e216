package io.stagdb.client;

import io.stagdb.api.Dto;

/**
 * A failed API call, typed by its HTTP status and carrying the server's RFC 9457 problem.
 *
 * <pre>{@code
 * try {
 *   client.getDatabase("missing");
 * } catch (StagDbApiException.NotFound e) {
 *   System.out.println(e.problem().detail());
 * }
 * }</pre>
 */
public abstract sealed class StagDbApiException extends RuntimeException {
  private final int status;
  private final transient Dto.Problem problem;

  StagDbApiException(int status, Dto.Problem problem, Throwable cause) {
    super(problem.detail() == null ? problem.title() : problem.detail(), cause);
    this.status = status;
    this.problem = problem;
  }

  /** The HTTP status (0 when the server could not be reached). */
  public int status() {
    return status;
  }

  public Dto.Problem problem() {
    return problem;
  }

  static StagDbApiException of(int status, Dto.Problem problem, long retryAfterSeconds) {
    return switch (status) {
      case 400, 413, 415, 422 -> new BadRequest(status, problem);
      case 401 -> new Unauthorized(problem);
      case 403 -> new Forbidden(problem);
      case 404 -> new NotFound(problem);
      case 409 -> new Conflict(problem);
      case 429 -> new RateLimited(problem, retryAfterSeconds);
      default -> new ServerError(status, problem);
    };
  }

  /** The request was malformed or broke a rule (400, 413, 415); {@code problem().field()} names the field. */
  public static final class BadRequest extends StagDbApiException {
    BadRequest(int status, Dto.Problem problem) {
      super(status, problem, null);
    }
  }

  /** No API key, or an unknown or revoked one (401). */
  public static final class Unauthorized extends StagDbApiException {
    Unauthorized(Dto.Problem problem) {
      super(401, problem, null);
    }
  }

  /** The key lacks the scope the route needs (403). */
  public static final class Forbidden extends StagDbApiException {
    Forbidden(Dto.Problem problem) {
      super(403, problem, null);
    }
  }

  /** The database, snapshot, webhook or key does not exist (404). */
  public static final class NotFound extends StagDbApiException {
    NotFound(Dto.Problem problem) {
      super(404, problem, null);
    }
  }

  /** The name is taken, dependents exist, or the target is busy (409); see {@code problem().reason()}. */
  public static final class Conflict extends StagDbApiException {
    Conflict(Dto.Problem problem) {
      super(409, problem, null);
    }
  }

  /** Too many requests (429); retry after {@link #retryAfterSeconds()}. */
  public static final class RateLimited extends StagDbApiException {
    private final long retryAfterSeconds;

    RateLimited(Dto.Problem problem, long retryAfterSeconds) {
      super(429, problem, null);
      this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }

  /** The server failed (5xx); {@code problem().errorId()} identifies it in the server's log. */
  public static final class ServerError extends StagDbApiException {
    ServerError(int status, Dto.Problem problem) {
      super(status, problem, null);
    }
  }

  /** The server could not be reached at all. */
  public static final class Unreachable extends StagDbApiException {
    Unreachable(String detail, Throwable cause) {
      super(0, new Dto.Problem("urn:stagdb:problem:unreachable", "Unreachable", 0, detail, null, null, null, null, null),
          cause);
    }
  }
}
