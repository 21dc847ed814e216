package io.stagdb.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagdb.domain.model.Event;
import io.stagdb.domain.webhook.WebhookSender;
import io.stagdb.domain.webhook.WebhookSignature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Sends webhook events with the JDK's HTTP client: JSON body, signed, bounded by a timeout. */
final class HttpWebhookSender implements WebhookSender {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final Duration timeout;
  private final Clock clock;

  HttpWebhookSender(Duration timeout, Clock clock) {
    this.timeout = timeout;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @Override
  public Result send(URI url, Event event, String deliveryId, String secret) {
    byte[] body = body(event);
    long timestamp = clock.instant().getEpochSecond();
    HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
        .header("Content-Type", "application/json")
        .header("User-Agent", "stagdb-webhooks")
        .header(WebhookSignature.EVENT_HEADER, event.type().wireName())
        .header(WebhookSignature.DELIVERY_HEADER, deliveryId)
        .header(WebhookSignature.HEADER, WebhookSignature.header(secret, timestamp, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      int status = response.statusCode();
      return new Result(status, status >= 200 && status < 300 ? null : "receiver answered " + status);
    } catch (IOException e) {
      return new Result(null, "could not deliver: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(null, "interrupted");
    } catch (IllegalArgumentException e) {
      return new Result(null, "invalid URL: " + e.getMessage());
    }
  }

  /** {@code {id, type, occurredAt, data}}. */
  static byte[] body(Event event) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("id", event.id());
    payload.put("type", event.type().wireName());
    payload.put("occurredAt", event.occurredAt().toString());
    payload.put("data", event.data());
    try {
      return JSON.writeValueAsBytes(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
