package io.stagdb.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagdb.domain.model.Event;
import io.stagdb.domain.webhook.WebhookSender;
import io.stagdb.domain.webhook.WebhookSignature;
import io.stagdb.domain.webhook.WebhookTargets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends webhook events: JSON body, signed, bounded by a timeout, redirects never followed. The
 * client connects only to addresses {@link WebhookTargets} allows, looked up afresh for each
 * delivery by the resolver the connection itself uses: what is checked is what is connected to.
 */
final class HttpWebhookSender implements WebhookSender, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CloseableHttpClient http;
  private final Clock clock;

  HttpWebhookSender(Duration timeout, Clock clock, WebhookTargets targets) {
    this.clock = clock;
    Timeout bound = Timeout.ofMilliseconds(timeout.toMillis());
    DnsResolver allowedOnly = new DnsResolver() {
      @Override
      public InetAddress[] resolve(String host) throws UnknownHostException {
        return targets.deliverable(host).toArray(InetAddress[]::new);
      }

      @Override
      public String resolveCanonicalHostname(String host) {
        return host;
      }
    };
    this.http = HttpClients.custom()
        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().setDnsResolver(allowedOnly)
            .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(bound).build()).build())
        .setDefaultRequestConfig(RequestConfig.custom().setConnectTimeout(bound).setResponseTimeout(bound)
            .setRedirectsEnabled(false).build())
        .disableRedirectHandling().disableAutomaticRetries().disableCookieManagement()
        .setUserAgent("stagdb-webhooks").build();
  }

  @Override
  public Result send(URI url, Event event, String deliveryId, String secret) {
    byte[] body = body(event);
    long timestamp = clock.instant().getEpochSecond();
    HttpPost post;
    try {
      post = new HttpPost(url);
    } catch (IllegalArgumentException e) {
      return new Result(null, "invalid URL: " + e.getMessage());
    }
    post.setHeader(WebhookSignature.EVENT_HEADER, event.type().wireName());
    post.setHeader(WebhookSignature.DELIVERY_HEADER, deliveryId);
    post.setHeader(WebhookSignature.HEADER, WebhookSignature.header(secret, timestamp, body));
    post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
    try (CloseableHttpResponse response = http.execute(post)) {
      EntityUtils.consume(response.getEntity());
      int status = response.getCode();
      return new Result(status, status >= 200 && status < 300 ? null : "receiver answered " + status);
    } catch (IOException e) {
      return new Result(null, "could not deliver: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
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

  @Override
  public void close() {
    try {
      http.close();
    } catch (IOException e) {
      // shutting down
    }
  }
}
