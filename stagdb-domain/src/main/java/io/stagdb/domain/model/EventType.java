package io.stagdb.domain.model;

/** What webhooks can subscribe to. */
public enum EventType {
  DATABASE_CREATED("database.created"),
  DATABASE_STARTED("database.started"),
  DATABASE_STOPPED("database.stopped"),
  DATABASE_DELETED("database.deleted"),
  DATABASE_FAILED("database.failed"),
  SNAPSHOT_CREATED("snapshot.created"),
  SNAPSHOT_DELETED("snapshot.deleted"),
  BRANCH_CREATED("branch.created"),
  BRANCH_RESET("branch.reset"),
  BRANCH_RECYCLED("branch.recycled"),
  IMPORT_DONE("import.done"),
  IMPORT_FAILED("import.failed");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  /** The name in webhook payloads and subscriptions, e.g. {@code database.created}. */
  public String wireName() {
    return wireName;
  }

  public static EventType fromWireName(String name) {
    for (EventType type : values()) {
      if (type.wireName.equals(name)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown event type: " + name);
  }
}
