package io.stagdb.domain.port.out;

/**
 * The state of a database's container.
 *
 * <p>{@code HELD}: the container runs but its engine is halted ({@link DatabaseRuntime#halt}),
 * as during a recycle; {@link DatabaseRuntime#resume} starts the engine again.
 */
public enum ContainerState {
  RUNNING, HELD, STOPPED, CRASHED, MISSING
}
