package io.stagdb.client;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagdb.api.Dto;
import io.stagdb.api.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A Java client for every route of the stagDB REST API.
 *
 * <pre>{@code
 * StagDbClient client = StagDbClient.create(URI.create("http://localhost:8080"), System.getenv("STAGDB_API_KEY"));
 * Dto.Database db = client.createDatabase(new Dto.CreateDatabase("my-app-db", "postgresql", "15", null));
 * client.createSnapshot("my-app-db", "before-migration");
 * Dto.Database branch = client.branchFromSnapshot("before-migration", new Dto.CreateBranch("test-migration", null, "2h"));
 * }</pre>
 *
 * <p>Failures throw a {@link StagDbApiException} subtype. Thread-safe.
 */
public final class StagDbClient {
  private static final ObjectMapper JSON = Json.lenientMapper();
  /** How long the answer to a dump upload may take: the engine restores as the dump arrives. */
  private static final Duration UPLOAD_TIMEOUT = Duration.ofHours(12);

  private final URI base;
  private final String apiKey;
  private final HttpClient http;
  private final Duration timeout;

  private StagDbClient(URI base, String apiKey, Duration timeout, Path caFile) {
    String text = base.toString();
    this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    this.apiKey = apiKey;
    this.timeout = timeout;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (caFile != null) {
      builder.sslContext(Tls.trusting(caFile));
    }
    this.http = builder.build();
  }

  /** A client for the server at {@code base} using {@code apiKey}; requests may take up to 5 minutes (creates wait). */
  public static StagDbClient create(URI base, String apiKey) {
    return create(base, apiKey, Duration.ofMinutes(5));
  }

  public static StagDbClient create(URI base, String apiKey, Duration timeout) {
    return create(base, apiKey, timeout, null);
  }

  /**
   * A client for an HTTPS server whose certificate is signed by a CA in {@code caFile} (PEM; or is
   * the self-signed certificate in it). {@code null}: the JDK's trusted CAs. The host name is
   * checked against the certificate either way.
   */
  public static StagDbClient create(URI base, String apiKey, Duration timeout, Path caFile) {
    return new StagDbClient(Objects.requireNonNull(base, "base"), apiKey, timeout, caFile);
  }

  // ---- databases ----

  /** Creates a database and waits until it accepts connections (and, with a source, until its data is in). */
  public Dto.Database createDatabase(Dto.CreateDatabase request) {
    return send("POST", "/v1/databases?wait=true", request, Dto.Database.class);
  }

  /** Copies an imported database again from its source and waits until it serves the new copy. */
  public Dto.Database refresh(String database) {
    return send("POST", "/v1/databases/" + path(database) + "/refresh?wait=true", null, Dto.Database.class);
  }

  /** Starts a refresh and returns at once (202); its progress is in {@link #getDatabase}'s {@code importing}. */
  public Dto.Accepted refreshAsync(String database) {
    return send("POST", "/v1/databases/" + path(database) + "/refresh", null, Dto.Accepted.class);
  }

  /** Starts creating and returns at once (202); poll {@link #getDatabase}. */
  public Dto.Accepted createDatabaseAsync(Dto.CreateDatabase request) {
    return send("POST", "/v1/databases?wait=false", request, Dto.Accepted.class);
  }

  public Dto.Database getDatabase(String name) {
    return send("GET", "/v1/databases/" + path(name), null, Dto.Database.class);
  }

  /** Lists with optional filters ({@code null} for any): type, status, origin snapshot; paged. */
  public Dto.Page<Dto.Database> listDatabases(String type, String status, String origin, int limit, int offset) {
    List<String> query = new ArrayList<>();
    add(query, "type", type);
    add(query, "status", status);
    add(query, "origin", origin);
    query.add("limit=" + limit);
    query.add("offset=" + offset);
    return page("/v1/databases?" + String.join("&", query), Dto.Database.class);
  }

  public Dto.Database start(String name) {
    return send("POST", "/v1/databases/" + path(name) + "/start", null, Dto.Database.class);
  }

  public Dto.Database stop(String name) {
    return send("POST", "/v1/databases/" + path(name) + "/stop", null, Dto.Database.class);
  }

  public Dto.Database restart(String name) {
    return send("POST", "/v1/databases/" + path(name) + "/restart", null, Dto.Database.class);
  }

  /**
   * Deletes a database (with {@code cascade}, the branches of its snapshots too) and returns at
   * once with it DELETING; its container and volumes go in the background and the name is free
   * again when they are gone.
   */
  public Dto.Database deleteDatabase(String name, boolean cascade) {
    return send("DELETE", "/v1/databases/" + path(name) + "?cascade=" + cascade, null, Dto.Database.class);
  }

  /** Deletes a database and returns once it is gone and its name is free ({@code wait=true}). */
  public void deleteDatabaseAndWait(String name, boolean cascade) {
    send("DELETE", "/v1/databases/" + path(name) + "?cascade=" + cascade + "&wait=true", null, Void.class);
  }

  public Dto.Stats stats(String name) {
    return send("GET", "/v1/databases/" + path(name) + "/stats", null, Dto.Stats.class);
  }

  public String logs(String name, int tail) {
    return send("GET", "/v1/databases/" + path(name) + "/logs?tail=" + tail, null, String.class);
  }

  /**
   * Follows a database's log ({@code logs?follow=true}, Server-Sent Events): hands {@code line}
   * the last {@code tail} lines, then each new one, until the database stops, the server ends the
   * stream or {@code line} returns {@code false}. Returns why the stream ended. Blocks meanwhile.
   */
  public String followLogs(String name, int tail, Predicate<String> line) {
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create(base + "/v1/databases/" + path(name) + "/logs?follow=true&tail=" + tail))
        .header("Accept", "text/event-stream").GET();
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    try {
      HttpResponse<java.util.stream.Stream<String>> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
      try (java.util.stream.Stream<String> lines = response.body()) {
        if (response.statusCode() >= 400) {
          throw failure(response, String.join("\n", (Iterable<String>) lines::iterator).getBytes(StandardCharsets.UTF_8));
        }
        return readEvents(lines.iterator(), line);
      }
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StagDbApiException.Unreachable("interrupted while following a log", e);
    }
  }

  /** Reads {@code event:}/{@code data:} blocks (comments skipped) until an {@code end} event. */
  private static String readEvents(java.util.Iterator<String> lines, Predicate<String> onLog) {
    String event = "message";
    StringBuilder data = new StringBuilder();
    while (lines.hasNext()) {
      String text = lines.next();
      if (text.isEmpty()) {
        if ("end".equals(event)) {
          return data.toString();
        }
        if ("log".equals(event) && !onLog.test(data.toString())) {
          return "stopped by the caller";
        }
        event = "message";
        data.setLength(0);
      } else if (text.startsWith("event:")) {
        event = text.substring(6).strip();
      } else if (text.startsWith("data:")) {
        if (data.length() > 0) {
          data.append('\n');
        }
        data.append(text.startsWith("data: ") ? text.substring(6) : text.substring(5));
      }
    }
    return "the connection closed";
  }

  // ---- snapshots and branches ----

  public Dto.Snapshot createSnapshot(String database, String name) {
    return send("POST", "/v1/databases/" + path(database) + "/snapshots", new Dto.CreateSnapshot(name), Dto.Snapshot.class);
  }

  /** Every snapshot of one database, oldest first (all pages). */
  public List<Dto.Snapshot> snapshots(String database) {
    return all("/v1/databases/" + path(database) + "/snapshots", Dto.Snapshot.class);
  }

  /** Every snapshot, oldest first (all pages). */
  public List<Dto.Snapshot> allSnapshots() {
    return all("/v1/snapshots", Dto.Snapshot.class);
  }

  public Dto.Snapshot getSnapshot(String name) {
    return send("GET", "/v1/snapshots/" + path(name), null, Dto.Snapshot.class);
  }

  public void deleteSnapshot(String name, boolean cascade) {
    send("DELETE", "/v1/snapshots/" + path(name) + "?cascade=" + cascade, null, Void.class);
  }

  public Dto.Database branchFromDatabase(String database, Dto.CreateBranch request) {
    return send("POST", "/v1/databases/" + path(database) + "/branches", request, Dto.Database.class);
  }

  public Dto.Database branchFromSnapshot(String snapshot, Dto.CreateBranch request) {
    return send("POST", "/v1/snapshots/" + path(snapshot) + "/branches", request, Dto.Database.class);
  }

  /** Resets a branch to its origin, or to {@code snapshot} (may be {@code null}). */
  /**
   * Loads a dump into a running database (a PostgreSQL custom-format or plain SQL dump, a MySQL
   * SQL dump), streamed from {@code dump} as it is read, never held whole. All or nothing: a dump
   * the engine refuses is a 400 and the database keeps its data as before.
   */
  public Dto.DumpImport importDump(String database, java.util.function.Supplier<java.io.InputStream> dump) {
    return send("POST", "/v1/databases/" + path(database) + "/import", HttpRequest.BodyPublishers.ofInputStream(dump),
        Dto.DumpImport.class);
  }

  /** Loads a dump file into a running database; see {@link #importDump(String, java.util.function.Supplier)}. */
  public Dto.DumpImport importDump(String database, java.nio.file.Path dumpFile) {
    try {
      return send("POST", "/v1/databases/" + path(database) + "/import", HttpRequest.BodyPublishers.ofFile(dumpFile),
          Dto.DumpImport.class);
    } catch (java.io.FileNotFoundException e) {
      throw new IllegalArgumentException("no dump at " + dumpFile, e);
    }
  }

  public Dto.Database reset(String branch, String snapshot) {
    return send("POST", "/v1/databases/" + path(branch) + "/reset" + (snapshot == null ? "" : "?snapshot=" + path(snapshot)),
        null, Dto.Database.class);
  }

  /**
   * Puts a recyclable branch back to its origin snapshot's data in place: the same container, port
   * and password, much faster than a reset.
   */
  public Dto.Database recycle(String branch) {
    return send("POST", "/v1/databases/" + path(branch) + "/recycle", null, Dto.Database.class);
  }

  /**
   * Gives a branch back when done with it: a recyclable one is kept ready, recycled in the
   * background, for the next branch of its snapshot (the next test run); any other is deleted. Its
   * name is free at once.
   */
  public void release(String branch) {
    send("POST", "/v1/databases/" + path(branch) + "/release", null, Void.class);
  }

  // ---- webhooks and keys ----

  public Dto.Webhook createWebhook(Dto.CreateWebhook request) {
    return send("POST", "/v1/webhooks", request, Dto.Webhook.class);
  }

  /** Every webhook subscription (all pages). */
  public List<Dto.Webhook> webhooks() {
    return all("/v1/webhooks", Dto.Webhook.class);
  }

  public void deleteWebhook(String id) {
    send("DELETE", "/v1/webhooks/" + path(id), null, Void.class);
  }

  /** The newest deliveries of a webhook, newest first: one page of {@code limit} (at most 500) from {@code offset}. */
  public Dto.Page<Dto.Delivery> deliveries(String webhookId, int limit, int offset) {
    return page("/v1/webhooks/" + path(webhookId) + "/deliveries?limit=" + limit + "&offset=" + offset, Dto.Delivery.class);
  }

  /** The 50 newest deliveries of a webhook, newest first. */
  public List<Dto.Delivery> deliveries(String webhookId) {
    return deliveries(webhookId, 50, 0).items();
  }

  public Dto.ApiKey createApiKey(Dto.CreateApiKey request) {
    return send("POST", "/v1/api-keys", request, Dto.ApiKey.class);
  }

  /** Every API key, revoked ones too, without their secrets (all pages). */
  public List<Dto.ApiKey> apiKeys() {
    return all("/v1/api-keys", Dto.ApiKey.class);
  }

  public void revokeApiKey(String id) {
    send("DELETE", "/v1/api-keys/" + path(id), null, Void.class);
  }

  public Dto.Health health() {
    return send("GET", "/healthz", null, Dto.Health.class);
  }

  /** The server's OpenAPI 3 document, as JSON text. */
  public String openApi() {
    return send("GET", "/v1/openapi.json", null, String.class);
  }

  // ---- plumbing ----

  private <T> Dto.Page<T> page(String pathAndQuery, Class<T> item) {
    return send("GET", pathAndQuery, null, JSON.getTypeFactory().constructParametricType(Dto.Page.class, item));
  }

  /** Every item of a list route, page by page. */
  private <T> List<T> all(String path, Class<T> item) {
    List<T> items = new ArrayList<>();
    while (true) {
      Dto.Page<T> page = page(path + (path.contains("?") ? "&" : "?") + "limit=1000&offset=" + items.size(), item);
      items.addAll(page.items());
      if (page.items().isEmpty() || items.size() >= page.total()) {
        return items;
      }
    }
  }

  private <T> T send(String method, String pathAndQuery, Object body, Class<T> type) {
    return send(method, pathAndQuery, body, JSON.getTypeFactory().constructType(type));
  }

  private <T> T send(String method, String pathAndQuery, Object body, JavaType type) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout)
        .header("Accept", "application/json");
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    try {
      if (body == null) {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      } else if (body instanceof HttpRequest.BodyPublisher upload) {
        // a dump streamed as it is read; answered once the engine has it all, however long that takes
        request.header("Content-Type", "application/octet-stream").timeout(UPLOAD_TIMEOUT).method(method, upload);
      } else {
        request.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      }
      HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() >= 400) {
        throw failure(response, response.body());
      }
      if (type.getRawClass() == Void.class || response.body().length == 0) {
        return null;
      }
      if (type.getRawClass() == String.class) {
        @SuppressWarnings("unchecked")
        T text = (T) new String(response.body(), StandardCharsets.UTF_8);
        return text;
      }
      return JSON.readValue(response.body(), type);
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StagDbApiException.Unreachable("interrupted while calling stagDB", e);
    }
  }

  private StagDbApiException unreachable(IOException e) {
    String tls = Tls.explain(e, base);
    if (tls != null) {
      return new StagDbApiException.Unreachable(tls, e);
    }
    String why = e instanceof java.net.ConnectException ? "nothing answers there (connection refused)"
        : e instanceof java.net.http.HttpConnectTimeoutException ? "no answer to the connection within 10 s"
        : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new StagDbApiException.Unreachable("cannot reach stagDB at " + base + ": " + why, e);
  }

  private static StagDbApiException failure(HttpResponse<?> response, byte[] body) {
    return StagDbApiException.of(response.statusCode(), problem(response.statusCode(), body),
        response.headers().firstValueAsLong("Retry-After").orElse(1));
  }

  private static Dto.Problem problem(int status, byte[] body) {
    try {
      return JSON.readValue(body, Dto.Problem.class);
    } catch (IOException notAProblem) {
      String text = new String(body, StandardCharsets.UTF_8);
      return new Dto.Problem("about:blank", "HTTP " + status, status, text.length() > 200 ? text.substring(0, 200) : text,
          null, null, null, null, null);
    }
  }

  private static String path(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static void add(List<String> query, String name, String value) {
    if (value != null) {
      query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }
}
