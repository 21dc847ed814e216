package io.stagdb.domain.webhook;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Subscriptions and the deliveries owed to them, durable so nothing is lost across restarts.
 *
 * <pre>{@code
 * store.enqueue(List.of(WebhookDelivery.first(subscription.id(), event, now)));   // idempotent
 * for (WebhookDelivery due : store.due(now, 100)) { ... store.update(attempted); }
 * }</pre>
 */
public interface WebhookStore {

  void insert(WebhookSubscription subscription);

  Optional<WebhookSubscription> find(String id);

  List<WebhookSubscription> list();

  /** Deletes a subscription and its deliveries; NotFound when it does not exist. */
  void delete(String id);

  /** Adds deliveries, ignoring any whose id is already there (so a repeated fan-out adds nothing). */
  void enqueue(List<WebhookDelivery> deliveries);

  /** PENDING deliveries whose next attempt is due, oldest first. */
  List<WebhookDelivery> due(Instant now, int limit);

  void update(WebhookDelivery delivery);

  /** The deliveries of one subscription, newest first. */
  List<WebhookDelivery> deliveries(String subscriptionId, int limit);

  /** How many deliveries one subscription has. */
  int countDeliveries(String subscriptionId);

  /** How many deliveries, of every subscription, are in {@code status}. */
  int countByStatus(WebhookDelivery.Status status);
}
