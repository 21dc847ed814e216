package io.stagdb.domain.port.out;

/** The state of a database's container. */
public enum ContainerState {
  RUNNING, STOPPED, CRASHED, MISSING
}
