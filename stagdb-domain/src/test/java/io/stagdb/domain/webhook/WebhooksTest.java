package io.stagdb.domain.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.model.Event;
import io.stagdb.domain.model.EventType;
import io.stagdb.domain.testkit.FakeDns;
import io.stagdb.domain.testkit.Faults;
import io.stagdb.domain.testkit.InMemoryCatalog;
import io.stagdb.domain.testkit.InMemoryWebhookStore;
import io.stagdb.domain.testkit.MutableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhooksTest {
  private final MutableClock clock = MutableClock.startingAt("2026-11-25T10:00:00Z");
  private final InMemoryCatalog catalog = new InMemoryCatalog(new Faults());
  private final InMemoryWebhookStore store = new InMemoryWebhookStore();
  private final List<String> sent = new ArrayList<>();
  private final List<Integer> answers = new ArrayList<>();
  private final WebhookSender sender = (url, event, deliveryId, secret) -> {
    sent.add(url + " " + event.type().wireName());
    int status = answers.isEmpty() ? 200 : answers.remove(0);
    return new WebhookSender.Result(status, status >= 300 ? "receiver said " + status : null);
  };
  private final FakeDns dns = new FakeDns();
  private final Webhooks webhooks = new Webhooks(catalog, store, sender, clock, Webhooks.DEFAULT_BACKOFF, dns.targets());

  private void emit(EventType type) {
    catalog.transact(tx -> {
      tx.emit(Event.of(type, clock.instant(), Map.of("name", "db")));
      return null;
    });
  }

  @Test
  void deliversOnlyTheEventsASubscriptionWants() {
    webhooks.subscribe("https://a.example.test/hook", List.of("database.created"), null);
    webhooks.subscribe("http://b.example.test/hook", List.of("database.created", "snapshot.created"), "0123456789abcdef");
    emit(EventType.DATABASE_CREATED);
    emit(EventType.SNAPSHOT_CREATED);
    emit(EventType.DATABASE_DELETED);
    assertThat(webhooks.dispatchOnce()).isEqualTo(3);
    assertThat(sent).containsExactlyInAnyOrder("https://a.example.test/hook database.created",
        "http://b.example.test/hook database.created", "http://b.example.test/hook snapshot.created");
    assertThat(catalog.pendingEvents(10)).isEmpty();
    assertThat(webhooks.dispatchOnce()).isZero();
  }

  @Test
  void retriesWithExponentialBackoffThenGivesUpAfterSixAttempts() {
    WebhookSubscription s = webhooks.subscribe("https://a.example.test/hook", List.of("database.created"), null);
    emit(EventType.DATABASE_CREATED);
    answers.addAll(List.of(500, 503, 500, 500, 500, 500));
    assertThat(webhooks.dispatchOnce()).isEqualTo(1);
    Duration total = Duration.ZERO;
    for (Duration wait : Webhooks.DEFAULT_BACKOFF) {
      clock.advance(wait.minusSeconds(1));
      assertThat(webhooks.dispatchOnce()).as("not due yet").isZero();
      clock.advance(Duration.ofSeconds(1));
      assertThat(webhooks.dispatchOnce()).isEqualTo(1);
      total = total.plus(wait);
    }
    assertThat(total).isBetween(Duration.ofMinutes(50), Duration.ofMinutes(70));
    WebhookDelivery last = webhooks.deliveries(s.id(), 10).get(0);
    assertThat(last.status()).isEqualTo(WebhookDelivery.Status.FAILED);
    assertThat(last.attempts()).isEqualTo(6);
    assertThat(last.lastStatusCode()).isEqualTo(500);
    clock.advance(Duration.ofHours(5));
    assertThat(webhooks.dispatchOnce()).isZero();
  }

  @Test
  void aFailureThenSuccessEndsDelivered() {
    WebhookSubscription s = webhooks.subscribe("https://a.example.test/hook", List.of("database.created"), null);
    emit(EventType.DATABASE_CREATED);
    answers.add(502);
    webhooks.dispatchOnce();
    clock.advance(Duration.ofSeconds(30));
    webhooks.dispatchOnce();
    WebhookDelivery d = webhooks.deliveries(s.id(), 10).get(0);
    assertThat(d.status()).isEqualTo(WebhookDelivery.Status.DELIVERED);
    assertThat(d.attempts()).isEqualTo(2);
  }

  @Test
  void aRepeatedFanOutAfterACrashSendsEachDeliveryOnce() {
    webhooks.subscribe("https://a.example.test/hook", List.of("database.created"), null);
    emit(EventType.DATABASE_CREATED);
    Event event = catalog.pendingEvents(1).get(0);
    // the process stopped after queueing the deliveries but before marking the event dispatched
    store.enqueue(List.of(WebhookDelivery.first(store.list().get(0).id(), event, clock.instant())));
    assertThat(webhooks.dispatchOnce()).isEqualTo(1);
    assertThat(sent).hasSize(1);
  }

  @Test
  void validatesSubscriptions() {
    assertThatThrownBy(() -> webhooks.subscribe("ftp://x.test/", List.of("database.created"), null))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("url"));
    assertThatThrownBy(() -> webhooks.subscribe("not a url", List.of("database.created"), null))
        .isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> webhooks.subscribe("https://x.test/", List.of("database.exploded"), null))
        .hasMessageContaining("database.created");
    assertThatThrownBy(() -> webhooks.subscribe("https://x.test/", List.of(), null))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("events"));
    assertThatThrownBy(() -> webhooks.subscribe("https://x.test/", List.of("database.created"), "short"))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("secret"));
    WebhookSubscription s = webhooks.subscribe("https://x.test/", List.of("database.created"), null);
    assertThat(s.secret()).hasSizeGreaterThanOrEqualTo(40);
    assertThat(s.toString()).doesNotContain(s.secret());
    assertThat(s.url()).isEqualTo(URI.create("https://x.test/"));
  }

  @Test
  void signaturesVerifyAndRejectTampering() {
    byte[] body = "{\"id\":\"evt-1\"}".getBytes(StandardCharsets.UTF_8);
    String header = WebhookSignature.header("s3cret-s3cret-s3cret", 1764064800L, body);
    assertThat(header).startsWith("t=1764064800,v1=");
    assertThat(WebhookSignature.verify("s3cret-s3cret-s3cret", header, body)).isTrue();
    assertThat(WebhookSignature.verify("another-secret-000", header, body)).isFalse();
    assertThat(WebhookSignature.verify("s3cret-s3cret-s3cret", header, "{\"id\":\"evt-2\"}".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(WebhookSignature.verify("s3cret-s3cret-s3cret", header.replace("t=1764064800", "t=1764064801"), body)).isFalse();
    assertThat(WebhookSignature.verify("s3cret-s3cret-s3cret", "garbage", body)).isFalse();
  }
}
