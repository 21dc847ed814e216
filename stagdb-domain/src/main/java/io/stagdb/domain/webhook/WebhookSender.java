package io.stagdb.domain.webhook;

import io.stagdb.domain.model.Event;
import java.net.URI;

/**
 * Sends one event to one URL: JSON {@code {id, type, occurredAt, data}} with the headers of
 * {@link WebhookSignature}. Never throws for the receiver's failures: they are the result.
 */
public interface WebhookSender {

  Result send(URI url, Event event, String deliveryId, String secret);

  /**
   * @param statusCode the receiver's HTTP status, or {@code null} when there was no answer
   * @param error      what went wrong, or {@code null}
   */
  record Result(Integer statusCode, String error) {
    public boolean delivered() {
      return statusCode != null && statusCode >= 200 && statusCode < 300;
    }
  }
}
