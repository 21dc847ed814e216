package io.stagdb.domain.webhook;

import io.stagdb.domain.model.EventType;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/** Where to send which events, signed with {@code secret}. {@link #toString()} hides the secret. */
public record WebhookSubscription(String id, URI url, Set<EventType> events, String secret, Instant createdAt) {

  public WebhookSubscription {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(createdAt, "createdAt");
    events = Set.copyOf(events);
  }

  public boolean wants(EventType type) {
    return events.contains(type);
  }

  @Override
  public String toString() {
    return "WebhookSubscription[id=" + id + ", url=" + url + ", events=" + events + "]";
  }
}
