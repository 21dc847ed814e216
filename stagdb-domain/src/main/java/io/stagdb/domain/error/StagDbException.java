package io.stagdb.domain.error;

/**
 * The one error hierarchy of stagDB: adapters translate their failures into these, so no
 * library, errno or SQL exception leaks past a port.
 */
public abstract sealed class StagDbException extends RuntimeException
    permits NotFoundException, ConflictException, InvalidRequestException, InfrastructureException {

  protected StagDbException(String message, Throwable cause) {
    super(message, cause);
  }
}
