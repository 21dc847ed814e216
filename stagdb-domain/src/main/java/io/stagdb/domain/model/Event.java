package io.stagdb.domain.model;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/** Something that happened, recorded in the outbox in the same unit of work as the change itself. */
public record Event(String id, EventType type, Instant occurredAt, Map<String, String> data) {

  public Event {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(occurredAt, "occurredAt");
    data = Map.copyOf(data);
  }

  public static Event of(EventType type, Instant at, Map<String, String> data) {
    return new Event("evt-" + UUID.randomUUID(), type, at, data);
  }
}
