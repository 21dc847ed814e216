package io.stagdb.domain.webhook;

import io.stagdb.domain.model.Event;
import java.time.Instant;
import java.util.Objects;

/**
 * One event on its way to one subscriber, with its attempts so far.
 *
 * @param nextAttemptAt when to try (again), for a PENDING delivery
 */
public record WebhookDelivery(String id, String subscriptionId, Event event, Status status, int attempts,
                              Integer lastStatusCode, String lastError, Instant nextAttemptAt, Instant createdAt,
                              Instant updatedAt) {

  /** PENDING until a 2xx answer (DELIVERED) or the last attempt failed (FAILED). */
  public enum Status { PENDING, DELIVERED, FAILED }

  public WebhookDelivery {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(subscriptionId, "subscriptionId");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /** The delivery for this subscription and event; the same pair always gets the same id. */
  public static WebhookDelivery first(String subscriptionId, Event event, Instant now) {
    return new WebhookDelivery("dlv-" + event.id().replace("evt-", "") + "-" + subscriptionId.replace("wh-", ""),
        subscriptionId, event, Status.PENDING, 0, null, null, now, now, now);
  }

  WebhookDelivery attempted(Status next, Integer statusCode, String error, Instant retryAt, Instant now) {
    return new WebhookDelivery(id, subscriptionId, event, next, attempts + 1, statusCode, error, retryAt, createdAt, now);
  }
}
