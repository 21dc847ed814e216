package io.stagdb.domain.error;

/** A named thing (database, snapshot, volume, container, key, ...) does not exist. */
public final class NotFoundException extends StagDbException {
  private final String kind;
  private final String name;

  public NotFoundException(String kind, String name) {
    super(kind + " '" + name + "' does not exist", null);
    this.kind = kind;
    this.name = name;
  }

  public String kind() {
    return kind;
  }

  public String name() {
    return name;
  }
}
