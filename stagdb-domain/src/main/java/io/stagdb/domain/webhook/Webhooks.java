package io.stagdb.domain.webhook;

import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.Event;
import io.stagdb.domain.model.EventType;
import io.stagdb.domain.port.out.Catalog;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Webhook subscriptions and delivery: events leave the catalog's outbox as one delivery per
 * interested subscription, and each delivery is retried with exponential backoff (by default 6
 * attempts over about an hour) until the receiver answers 2xx. At-least-once across restarts: a
 * delivery is durable before it is sent, and re-sent if the process stops before recording it.
 */
public final class Webhooks {
  private final java.util.concurrent.atomic.AtomicLong retried = new java.util.concurrent.atomic.AtomicLong();
  /** Waits before attempts 2..6: 30 s, 2 min, 5 min, 15 min, 40 min (about an hour in all). */
  public static final List<Duration> DEFAULT_BACKOFF = List.of(Duration.ofSeconds(30), Duration.ofMinutes(2),
      Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(40));
  private static final int BATCH = 100;

  private final Catalog catalog;
  private final WebhookStore store;
  private final WebhookSender sender;
  private final Clock clock;
  private final List<Duration> backoff;
  private final WebhookTargets targets;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param targets where webhooks may go; the sender applies it again to the addresses it connects to
   */
  public Webhooks(Catalog catalog, WebhookStore store, WebhookSender sender, Clock clock, List<Duration> backoff,
                  WebhookTargets targets) {
    this.catalog = catalog;
    this.store = store;
    this.sender = sender;
    this.clock = clock;
    this.backoff = List.copyOf(backoff);
    this.targets = targets;
  }

  /** Validates and stores a subscription; a missing secret is generated (and returned once). */
  public WebhookSubscription subscribe(String url, List<String> events, String secret) {
    URI uri = checkUrl(url);
    targets.checkRegistration(uri);
    Set<EventType> types = EnumSet.noneOf(EventType.class);
    if (events == null || events.isEmpty()) {
      throw new InvalidRequestException("events", "name at least one of " + eventNames());
    }
    for (String name : events) {
      try {
        types.add(EventType.fromWireName(name));
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException("events", "unknown event '" + name + "'; known: " + eventNames());
      }
    }
    String key = secret;
    if (key == null) {
      byte[] bytes = new byte[32];
      random.nextBytes(bytes);
      key = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    } else if (key.length() < 16 || key.length() > 256) {
      throw new InvalidRequestException("secret", "16-256 characters (or leave it out to have one generated)");
    }
    byte[] id = new byte[6];
    random.nextBytes(id);
    WebhookSubscription subscription = new WebhookSubscription("wh-" + HexFormat.of().formatHex(id), uri, types, key,
        clock.instant());
    store.insert(subscription);
    return subscription;
  }

  public List<WebhookSubscription> list() {
    return store.list();
  }

  public void unsubscribe(String id) {
    store.delete(id);
  }

  public List<WebhookDelivery> deliveries(String subscriptionId, int limit) {
    store.find(subscriptionId).orElseThrow(() -> new NotFoundException("webhook", subscriptionId));
    return store.deliveries(subscriptionId, limit);
  }

  public int countDeliveries(String subscriptionId) {
    return store.countDeliveries(subscriptionId);
  }

  /** Deliveries waiting for their first or next attempt, of every subscription. */
  public int pendingDeliveries() {
    return store.countByStatus(WebhookDelivery.Status.PENDING);
  }

  /** Deliveries given up on after their last attempt. */
  public int failedDeliveries() {
    return store.countByStatus(WebhookDelivery.Status.FAILED);
  }

  /** Attempts that failed and were scheduled again, since this process started. */
  public long retriedDeliveries() {
    return retried.get();
  }

  /** Fans out the outbox, then sends what is due; returns how many requests were sent. */
  public int dispatchOnce() {
    fanOut();
    return deliverDue();
  }

  /** Moves outbox events into deliveries (idempotently), then marks them dispatched. */
  void fanOut() {
    List<WebhookSubscription> subscriptions = store.list();
    for (Event event : catalog.pendingEvents(BATCH)) {
      Instant now = clock.instant();
      List<WebhookDelivery> deliveries = new ArrayList<>();
      for (WebhookSubscription s : subscriptions) {
        if (s.wants(event.type())) {
          deliveries.add(WebhookDelivery.first(s.id(), event, now));
        }
      }
      store.enqueue(deliveries);
      catalog.markDispatched(event.id());
    }
  }

  int deliverDue() {
    int sent = 0;
    for (WebhookDelivery delivery : store.due(clock.instant(), BATCH)) {
      WebhookSubscription subscription = store.find(delivery.subscriptionId()).orElse(null);
      if (subscription == null) {
        continue;   // unsubscribed meanwhile; its deliveries went with it
      }
      WebhookSender.Result result = sender.send(subscription.url(), delivery.event(), delivery.id(), subscription.secret());
      sent++;
      Instant now = clock.instant();
      int attempt = delivery.attempts() + 1;
      if (result.delivered()) {
        store.update(delivery.attempted(WebhookDelivery.Status.DELIVERED, result.statusCode(), null, null, now));
      } else if (attempt > backoff.size()) {
        store.update(delivery.attempted(WebhookDelivery.Status.FAILED, result.statusCode(), result.error(), null, now));
      } else {
        store.update(delivery.attempted(WebhookDelivery.Status.PENDING, result.statusCode(), result.error(),
            now.plus(backoff.get(attempt - 1)), now));
        retried.incrementAndGet();
      }
    }
    return sent;
  }

  private static URI checkUrl(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw new InvalidRequestException("url", "must be an absolute http or https URL");
      }
      if (uri.getUserInfo() != null) {
        throw new InvalidRequestException("url", "must not carry a user name or password (the payload is signed instead)");
      }
      return uri;
    } catch (URISyntaxException | NullPointerException e) {
      throw new InvalidRequestException("url", "must be an absolute http or https URL");
    }
  }

  private static String eventNames() {
    List<String> names = new ArrayList<>();
    for (EventType t : EventType.values()) {
      names.add(t.wireName());
    }
    return String.join(", ", names);
  }
}
