package io.stagdb.domain.testkit;

import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.webhook.WebhookDelivery;
import io.stagdb.domain.webhook.WebhookStore;
import io.stagdb.domain.webhook.WebhookSubscription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Webhook subscriptions and deliveries in memory, for tests. */
public final class InMemoryWebhookStore implements WebhookStore {
  private final Map<String, WebhookSubscription> subscriptions = new LinkedHashMap<>();
  private final Map<String, WebhookDelivery> deliveries = new LinkedHashMap<>();

  @Override
  public synchronized void insert(WebhookSubscription subscription) {
    if (subscriptions.putIfAbsent(subscription.id(), subscription) != null) {
      throw ConflictException.alreadyExists("webhook", subscription.id());
    }
  }

  @Override
  public synchronized Optional<WebhookSubscription> find(String id) {
    return Optional.ofNullable(subscriptions.get(id));
  }

  @Override
  public synchronized List<WebhookSubscription> list() {
    return new ArrayList<>(subscriptions.values());
  }

  @Override
  public synchronized void delete(String id) {
    if (subscriptions.remove(id) == null) {
      throw new NotFoundException("webhook", id);
    }
    deliveries.values().removeIf(d -> d.subscriptionId().equals(id));
  }

  @Override
  public synchronized void enqueue(List<WebhookDelivery> added) {
    added.forEach(d -> deliveries.putIfAbsent(d.id(), d));
  }

  @Override
  public synchronized List<WebhookDelivery> due(Instant now, int limit) {
    return deliveries.values().stream()
        .filter(d -> d.status() == WebhookDelivery.Status.PENDING && !d.nextAttemptAt().isAfter(now))
        .sorted(Comparator.comparing(WebhookDelivery::nextAttemptAt)).limit(limit).toList();
  }

  @Override
  public synchronized void update(WebhookDelivery delivery) {
    deliveries.put(delivery.id(), delivery);
  }

  @Override
  public synchronized List<WebhookDelivery> deliveries(String subscriptionId, int limit) {
    List<WebhookDelivery> mine = new ArrayList<>(deliveries.values().stream()
        .filter(d -> d.subscriptionId().equals(subscriptionId)).toList());
    java.util.Collections.reverse(mine);
    return mine.stream().limit(limit).toList();
  }

  @Override
  public synchronized int countByStatus(WebhookDelivery.Status status) {
    return (int) deliveries.values().stream().filter(d -> d.status() == status).count();
  }

  @Override
  public synchronized int countDeliveries(String subscriptionId) {
    return (int) deliveries.values().stream().filter(d -> d.subscriptionId().equals(subscriptionId)).count();
  }
}
