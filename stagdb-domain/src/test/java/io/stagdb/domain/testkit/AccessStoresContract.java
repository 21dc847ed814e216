package io.stagdb.domain.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.access.ApiKey;
import io.stagdb.domain.access.ApiKeyStore;
import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.Event;
import io.stagdb.domain.model.EventType;
import io.stagdb.domain.webhook.WebhookDelivery;
import io.stagdb.domain.webhook.WebhookStore;
import io.stagdb.domain.webhook.WebhookSubscription;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What every {@link ApiKeyStore} and {@link WebhookStore} must do. */
public abstract class AccessStoresContract {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  /** A fresh, empty key store for each test. */
  protected abstract ApiKeyStore keys();

  /** A fresh, empty webhook store for each test. */
  protected abstract WebhookStore webhooks();

  private static ApiKey key(String id) {
    return new ApiKey(id, "ci key", ApiKey.Scope.STANDARD, "ab".repeat(32), T0, null);
  }

  private static WebhookSubscription subscription(String id) {
    return new WebhookSubscription(id, URI.create("https://hooks.example.test/stagdb"),
        Set.of(EventType.DATABASE_CREATED, EventType.SNAPSHOT_CREATED), "a-secret-of-24-characters", T0);
  }

  @Test
  void keysAreStoredFoundListedAndRevoked() {
    keys().insert(key("k000000000001"));
    keys().insert(key("k000000000002"));
    assertThatThrownBy(() -> keys().insert(key("k000000000001"))).isInstanceOf(ConflictException.class);
    assertThat(keys().find("k000000000001")).contains(key("k000000000001"));
    assertThat(keys().find("k000000000009")).isEmpty();
    keys().revoke("k000000000001", T0.plusSeconds(60));
    keys().revoke("k000000000001", T0.plusSeconds(120));
    assertThat(keys().find("k000000000001").orElseThrow().revokedAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(keys().list()).extracting(ApiKey::id).containsExactly("k000000000001", "k000000000002");
    assertThatThrownBy(() -> keys().revoke("k000000000009", T0)).isInstanceOf(NotFoundException.class);
  }

  @Test
  void subscriptionsRoundTripAndDeleteWithTheirDeliveries() {
    webhooks().insert(subscription("wh-000000000001"));
    assertThat(webhooks().find("wh-000000000001")).contains(subscription("wh-000000000001"));
    Event event = Event.of(EventType.DATABASE_CREATED, T0, Map.of("name", "db"));
    webhooks().enqueue(List.of(WebhookDelivery.first("wh-000000000001", event, T0)));
    webhooks().delete("wh-000000000001");
    assertThat(webhooks().list()).isEmpty();
    assertThat(webhooks().due(T0.plusSeconds(1), 10)).isEmpty();
    assertThatThrownBy(() -> webhooks().delete("wh-000000000001")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void enqueueingTwiceAddsNothingAndDueHonoursTheSchedule() {
    webhooks().insert(subscription("wh-000000000001"));
    Event first = Event.of(EventType.DATABASE_CREATED, T0, Map.of("name", "a"));
    Event second = Event.of(EventType.SNAPSHOT_CREATED, T0, Map.of("name", "s"));
    WebhookDelivery d1 = WebhookDelivery.first("wh-000000000001", first, T0);
    WebhookDelivery d2 = WebhookDelivery.first("wh-000000000001", second, T0.plusSeconds(5));
    webhooks().enqueue(List.of(d1, d2));
    webhooks().enqueue(List.of(d1));
    assertThat(webhooks().due(T0, 10)).containsExactly(d1);
    assertThat(webhooks().due(T0.plusSeconds(5), 10)).containsExactly(d1, d2);

    WebhookDelivery retried = new WebhookDelivery(d1.id(), d1.subscriptionId(), first, WebhookDelivery.Status.PENDING, 1,
        500, "receiver said 500", T0.plusSeconds(30), d1.createdAt(), T0.plusSeconds(1));
    webhooks().update(retried);
    assertThat(webhooks().due(T0.plusSeconds(10), 10)).containsExactly(d2);
    assertThat(webhooks().deliveries("wh-000000000001", 10)).containsExactly(d2, retried);
    assertThat(webhooks().deliveries("wh-000000000001", 10).get(1).event().data()).containsEntry("name", "a");
  }
}
