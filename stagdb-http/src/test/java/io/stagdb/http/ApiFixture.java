package io.stagdb.http;

import io.stagdb.domain.access.ApiKey;
import io.stagdb.domain.access.ApiKeys;
import io.stagdb.domain.testkit.InMemoryApiKeyStore;
import io.stagdb.domain.testkit.InMemoryStagDb;
import io.stagdb.domain.testkit.InMemoryWebhookStore;
import io.stagdb.domain.webhook.WebhookSender;
import io.stagdb.domain.webhook.Webhooks;
import io.stagdb.client.StagDbClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** The API on a random loopback port over the in-memory adapters, with an admin and a standard key. */
final class ApiFixture implements AutoCloseable {
  final InMemoryStagDb stag;
  final ApiKeys keys;
  final Webhooks webhooks;
  final StagDbHttpApi api;
  final int port;
  final String adminKey;
  final String standardKey;
  final HttpClient http = HttpClient.newHttpClient();

  ApiFixture(Path dir, ApiSettings settings) {
    stag = new InMemoryStagDb(dir);
    keys = new ApiKeys(new InMemoryApiKeyStore(), stag.clock);
    WebhookSender noReceiver = (url, event, id, secret) -> new WebhookSender.Result(null, "not sent in this test");
    webhooks = new Webhooks(stag.catalog, new InMemoryWebhookStore(), noReceiver, stag.clock, Webhooks.DEFAULT_BACKOFF,
        new io.stagdb.domain.testkit.FakeDns().targets());
    adminKey = keys.issue("admin", ApiKey.Scope.ADMIN).token();
    standardKey = keys.issue("standard", ApiKey.Scope.STANDARD).token();
    api = new StagDbHttpApi(stag.service, keys, webhooks, settings);
    port = api.start("127.0.0.1", 0);
  }

  ApiFixture(Path dir) {
    this(dir, ApiSettings.defaults("db.example.test"));
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + port);
  }

  StagDbClient client() {
    return StagDbClient.create(base(), standardKey);
  }

  StagDbClient admin() {
    return StagDbClient.create(base(), adminKey);
  }

  /** A raw request, for what the client would never send. */
  HttpResponse<String> raw(String method, String path, String key, String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base().resolve(path)).timeout(Duration.ofSeconds(30));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    api.close();
  }
}
