package io.stagdb.http;

import static io.stagdb.http.Params.booleanParam;
import static io.stagdb.http.Params.cascade;
import static io.stagdb.http.Params.databaseName;
import static io.stagdb.http.Params.instantOrAgo;
import static io.stagdb.http.Params.intParam;
import static io.stagdb.http.Params.page;
import static io.stagdb.http.Params.resources;
import static io.stagdb.http.Params.snapshotName;
import static io.stagdb.http.Params.status;

import io.github.bucket4j.ConsumptionProbe;
import io.javalin.Javalin;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.stagdb.domain.access.ApiKey;
import io.stagdb.domain.access.ApiKeys;
import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.Engine;
import io.stagdb.domain.model.EngineSettings;
import io.stagdb.domain.model.EngineVersion;
import io.stagdb.domain.model.ImportSource;
import io.stagdb.domain.model.RefreshPolicy;
import io.stagdb.domain.model.Quantities;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.model.SnapshotId;
import io.stagdb.domain.model.SnapshotName;
import io.stagdb.domain.port.in.CreateBranch;
import io.stagdb.domain.port.in.CreateDatabase;
import io.stagdb.domain.port.in.DatabaseFilter;
import io.stagdb.domain.port.in.StagDb;
import io.stagdb.domain.port.in.StepTimings;
import io.stagdb.domain.webhook.WebhookSubscription;
import io.stagdb.domain.webhook.Webhooks;
import io.stagdb.api.Dto;
import io.stagdb.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API on Javalin: every route of the seed document under {@code /v1}, bearer-key
 * authentication with scopes, per-key rate limits, and RFC 9457 problems for every failure.
 *
 * <pre>{@code
 * StagDbHttpApi api = new StagDbHttpApi(stagDb, apiKeys, webhooks, ApiSettings.defaults("db.example.com"));
 * api.start("0.0.0.0", 8080);
 * }</pre>
 */
public final class StagDbHttpApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StagDbHttpApi.class);
  private static final String KEY_ATTRIBUTE = "stagdb.apiKey";
  private static final String STARTED_ATTRIBUTE = "stagdb.started";

  private final StagDb stagDb;
  private final ApiKeys keys;
  private final Webhooks webhooks;
  private final ApiSettings settings;
  private final RateLimits limits;
  private final LogStreams logStreams;
  private final MeterRegistry meters;
  private final Supplier<String> scrape;
  private Javalin app;
  private TlsConnector tlsConnector;

  /** One route: method, path, the scope it needs ({@code null}: no authentication) and its handler. */
  public record Route(HandlerType method, String path, ApiKey.Scope scope, Handler handler) {
  }

  public StagDbHttpApi(StagDb stagDb, ApiKeys keys, Webhooks webhooks, ApiSettings settings) {
    this(stagDb, keys, webhooks, settings, new SimpleMeterRegistry(), null);
  }

  /**
   * Recording each request (route, method, status, latency) and each rate-limit rejection in
   * {@code meters}; {@code GET /metrics} answers {@code scrape} (Prometheus text), or 404 if it is {@code null}.
   */
  public StagDbHttpApi(StagDb stagDb, ApiKeys keys, Webhooks webhooks, ApiSettings settings, MeterRegistry meters,
                       Supplier<String> scrape) {
    this.meters = Objects.requireNonNull(meters);
    this.scrape = scrape;
    this.stagDb = Objects.requireNonNull(stagDb);
    this.keys = Objects.requireNonNull(keys);
    this.webhooks = Objects.requireNonNull(webhooks);
    this.settings = Objects.requireNonNull(settings);
    this.limits = new RateLimits(settings);
    this.logStreams = new LogStreams(settings.maxLogStreams());
  }

  /** Every route the API serves; the OpenAPI document describes exactly these. */
  public List<Route> routes() {
    ApiKey.Scope std = ApiKey.Scope.STANDARD;
    ApiKey.Scope admin = ApiKey.Scope.ADMIN;
    return List.of(
        new Route(HandlerType.GET, "/healthz", null, ctx -> ctx.json(new Dto.Health("ok", settings.version()))),
        new Route(HandlerType.GET, "/metrics", ApiKey.Scope.METRICS, this::metrics),
        new Route(HandlerType.GET, "/v1/openapi.json", std, this::openApi),
        new Route(HandlerType.GET, "/v1/capabilities", std, ctx -> ctx.json(Views.capabilities(stagDb.offer()))),
        new Route(HandlerType.POST, "/v1/databases", std, this::createDatabase),
        new Route(HandlerType.GET, "/v1/databases", std, this::listDatabases),
        new Route(HandlerType.GET, "/v1/databases/{name}", std, this::getDatabase),
        new Route(HandlerType.DELETE, "/v1/databases/{name}", std, this::deleteDatabase),
        new Route(HandlerType.POST, "/v1/databases/{name}/start", std,
            ctx -> ctx.json(view(stagDb.start(databaseName(ctx))))),
        new Route(HandlerType.POST, "/v1/databases/{name}/stop", std,
            ctx -> ctx.json(view(stagDb.stop(databaseName(ctx))))),
        new Route(HandlerType.POST, "/v1/databases/{name}/restart", std,
            ctx -> ctx.json(view(stagDb.restart(databaseName(ctx))))),
        new Route(HandlerType.POST, "/v1/databases/{name}/snapshots", std, this::createSnapshot),
        new Route(HandlerType.GET, "/v1/databases/{name}/snapshots", std,
            ctx -> ctx.json(page(ctx, stagDb.snapshots(databaseName(ctx)), this::snapshotView))),
        new Route(HandlerType.POST, "/v1/databases/{name}/branches", std, this::branchFromDatabase),
        new Route(HandlerType.POST, "/v1/databases/{name}/reset", std, this::reset),
        new Route(HandlerType.POST, "/v1/databases/{name}/import", std, this::importDump),
        new Route(HandlerType.POST, "/v1/databases/{name}/refresh", std, this::refresh),
        new Route(HandlerType.POST, "/v1/databases/{name}/recycle", std,
            ctx -> ctx.json(view(stagDb.recycle(databaseName(ctx))))),
        new Route(HandlerType.POST, "/v1/databases/{name}/release", std, ctx -> {
          DatabaseName name = databaseName(ctx);
          stagDb.release(name);
          ctx.status(202).json(new Dto.Accepted(name.value(), "released", null));
        }),
        new Route(HandlerType.GET, "/v1/databases/{name}/stats", std,
            ctx -> ctx.json(Views.stats(stagDb.stats(databaseName(ctx))))),
        new Route(HandlerType.GET, "/v1/databases/{name}/logs", std, this::logs),
        new Route(HandlerType.GET, "/v1/snapshots", std, ctx -> ctx.json(page(ctx, stagDb.snapshots(null), this::snapshotView))),
        new Route(HandlerType.GET, "/v1/snapshots/{name}", std,
            ctx -> ctx.json(snapshotView(stagDb.getSnapshot(snapshotName(ctx))))),
        new Route(HandlerType.DELETE, "/v1/snapshots/{name}", std, ctx -> {
          stagDb.deleteSnapshot(snapshotName(ctx), cascade(ctx));
          ctx.status(204);
        }),
        new Route(HandlerType.POST, "/v1/snapshots/{name}/branches", std, this::branchFromSnapshot),
        new Route(HandlerType.POST, "/v1/webhooks", std, this::createWebhook),
        new Route(HandlerType.GET, "/v1/webhooks", std,
            ctx -> ctx.json(page(ctx, webhooks.list(), w -> Views.webhook(w, false)))),
        new Route(HandlerType.DELETE, "/v1/webhooks/{id}", std, ctx -> {
          webhooks.unsubscribe(ctx.pathParam("id"));
          ctx.status(204);
        }),
        new Route(HandlerType.GET, "/v1/webhooks/{id}/deliveries", std, this::deliveries),
        new Route(HandlerType.POST, "/v1/api-keys", admin, this::createApiKey),
        new Route(HandlerType.GET, "/v1/api-keys", admin,
            ctx -> ctx.json(page(ctx, keys.list(), k -> Views.apiKey(k, null)))),
        new Route(HandlerType.DELETE, "/v1/api-keys/{id}", admin, this::revokeApiKey));
  }

  /** Starts serving plain HTTP on {@code host:port} (port 0 picks a free one); returns the port. */
  public int start(String host, int port) {
    return start(host, port, null);
  }

  /**
   * Starts serving on {@code host:port}: HTTPS with {@code tls} (reloaded when its files change),
   * plain HTTP when it is {@code null}. Returns the port.
   */
  public int start(String host, int port, TlsFiles tls) {
    tlsConnector = tls == null ? null : new TlsConnector(tls);
    app = Javalin.create(config -> {
      if (tlsConnector != null) {
        config.jetty.addConnector((server, http) -> tlsConnector.connector(server, http, host, port));
      }
      config.showJavalinBanner = false;
      config.http.maxRequestSize = settings.maxBodyBytes();
      config.http.defaultContentType = "application/json";
      config.http.prefer405over404 = true;
      config.jsonMapper(new JavalinJackson(Json.strictMapper(), false));
      config.jetty.modifyServer(server -> server.setStopTimeout(settings.shutdownTimeout().toMillis()));
    });
    app.before(ctx -> ctx.attribute(STARTED_ATTRIBUTE, System.nanoTime()));
    if (tlsConnector != null) {
      app.before(this::requireHttps);
    }
    app.before("/v1/*", this::authenticate);
    app.before("/metrics", this::authenticate);
    for (Route route : routes()) {
      app.addHttpHandler(route.method(), route.path(), guarded(route));
    }
    new Console().register(app);
    app.exception(Exception.class, (e, ctx) -> problem(ctx, e instanceof Rejection r ? r.problem
        : Problems.of(e instanceof ParsedBodyFailure ? e.getCause() : e, ctx.path())));
    app.exception(HttpResponseException.class, (e, ctx) -> problem(ctx, httpProblem(e.getStatus(), e.getMessage(), ctx.path())));
    app.error(404, ctx -> {
      if (!isProblem(ctx)) {
        problem(ctx, Problems.problem("not-found", "Not found", 404, "no route " + ctx.method() + " " + ctx.path(),
            ctx.path(), null, null, null));
      }
    });
    app.error(405, ctx -> {
      if (!isProblem(ctx)) {
        problem(ctx, Problems.problem("method-not-allowed", "Method not allowed", 405,
            ctx.method() + " is not allowed on " + ctx.path(), ctx.path(), null, null, null));
      }
    });
    app.after(this::recordRequest);
    app.start(host, port);
    return app.port();
  }

  /** Stops accepting requests and lets those in flight finish (up to the configured shutdown timeout). */
  @Override
  public void close() {
    if (tlsConnector != null) {
      tlsConnector.close();
    }
    logStreams.close();
    if (app != null) {
      app.stop();
    }
  }

  // ---- authentication, scopes, rate limits ---------------------------------------------------

  private void authenticate(Context ctx) {
    String address = ctx.ip();
    long blocked = limits.authBlockedFor(address);
    if (blocked > 0) {
      ctx.header("Retry-After", Long.toString(blocked));
      throw new Rejection(Problems.problem("rate-limited", "Too many failed authentications", 429,
          "too many requests with a missing or wrong API key from this address; retry in " + blocked + " s",
          ctx.path(), null, null, null));
    }
    String header = ctx.header("Authorization");
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    ApiKey key = keys.authenticate(token).orElse(null);
    if (key == null) {
      limits.authFailed(address);
      meters.counter("stagdb.rate.limit.rejections", "kind", "failed-authentication").increment();
      ctx.header("WWW-Authenticate", "Bearer realm=\"stagdb\"");
      throw new Rejection(Problems.problem("unauthorized", "Unauthorized", 401, token == null
          ? "send an API key as 'Authorization: Bearer <key>'" : "the API key is unknown or revoked", ctx.path(),
          null, null, null));
    }
    ConsumptionProbe probe = limits.request(key.id());
    long resetSeconds = (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L;
    ctx.header("RateLimit-Limit", Long.toString(limits.limit()));
    ctx.header("RateLimit-Remaining", Long.toString(probe.getRemainingTokens()));
    ctx.header("RateLimit-Reset", Long.toString(probe.isConsumed() ? 0 : resetSeconds));
    if (!probe.isConsumed()) {
      meters.counter("stagdb.rate.limit.rejections", "kind", "requests").increment();
      ctx.header("Retry-After", Long.toString(Math.max(1, resetSeconds)));
      throw new Rejection(Problems.problem("rate-limited", "Too many requests", 429,
          "the rate limit of this API key is " + settings.requestsPerSecond() + " requests per second (burst "
              + settings.burst() + "); retry in " + Math.max(1, resetSeconds) + " s", ctx.path(), null, null, null));
    }
    ctx.attribute(KEY_ATTRIBUTE, key);
  }

  private static Handler guarded(Route route) {
    Handler timed = timed(route.handler());
    if (route.scope() == null) {
      return timed;
    }
    return ctx -> {
      ApiKey key = ctx.attribute(KEY_ATTRIBUTE);
      if (key == null || !key.scope().allows(route.scope())) {
        throw new Rejection(Problems.problem("forbidden", "Forbidden", 403, "this route needs an API key with the "
            + route.scope().name().toLowerCase(Locale.ROOT) + " scope"
            + (route.scope() == ApiKey.Scope.STANDARD ? " or admin" : ""), ctx.path(), null, null, null));
      }
      timed.handle(ctx);
    };
  }

  /** Answers the steps the operation took as {@code Server-Timing} (e.g. {@code clone;dur=14.2, ready;dur=96.0}). */
  private static Handler timed(Handler handler) {
    return ctx -> {
      StepTimings.Recorded<Exception> run = StepTimings.record(() -> {
        try {
          handler.handle(ctx);
          return null;
        } catch (Exception e) {
          return e;
        }
      });
      if (!run.steps().isEmpty()) {
        ctx.header("Server-Timing", String.join(", ", run.steps().stream()
            .map(s -> s.name() + String.format(Locale.ROOT, ";dur=%.1f", s.millis())).toList()));
      }
      if (run.value() != null) {
        throw run.value();
      }
    };
  }

  /** A request refused before reaching its route, with the problem to answer. */
  private static final class Rejection extends RuntimeException {
    final Dto.Problem problem;

    Rejection(Dto.Problem problem) {
      super(problem.detail(), null, false, false);
      this.problem = problem;
    }
  }

  // ---- databases -----------------------------------------------------------------------------

  private void createDatabase(Context ctx) {
    Dto.CreateDatabase body = body(ctx, Dto.CreateDatabase.class);
    Dto.Config config = body.config() == null ? new Dto.Config(null, null, null, null, null, null) : body.config();
    EngineVersion engine = EngineVersion.parse(body.type(), body.version());
    ImportSource source = body.source() == null ? null : ImportSource.parse(body.source().url());
    CreateDatabase request = new CreateDatabase(DatabaseName.of("name", body.name()), engine, resources(config),
        config.port(), config.env(), config.initScripts(),
        EngineSettings.of(engine.engine(), config.extensions(), config.settings()), null, null, source,
        source == null || body.source().refresh() == null && body.source().keep() == null ? null
            : RefreshPolicy.of(body.source().refresh(), body.source().keep()));
    // an import can take hours: it runs in the background unless wait=true is asked for
    if (booleanParam(ctx, "wait", source == null)) {
      created(ctx, "/v1/databases/", view(stagDb.create(request)));
      return;
    }
    String name = stagDb.createInBackground(request).name().value();
    String location = "/v1/databases/" + name;
    ctx.status(202).header("Location", location).json(new Dto.Accepted(name, "creating", location));
  }

  /** 202 at once (the refresh runs in the background), or with {@code wait=true} 200 with the refreshed database. */
  private void refresh(Context ctx) {
    DatabaseName name = databaseName(ctx);
    if (booleanParam(ctx, "wait", false)) {
      ctx.json(view(stagDb.refresh(name)));
      return;
    }
    stagDb.refreshInBackground(name);
    String location = "/v1/databases/" + name.value();
    ctx.status(202).header("Location", location).json(new Dto.Accepted(name.value(), "refreshing", location));
  }

  /** 201 with the new database (or branch) and its {@code Location}. */
  private static void created(Context ctx, String collection, Dto.Database database) {
    ctx.status(201).header("Location", collection + database.name()).json(database);
  }

  /** On the TLS port, a plain-HTTP request is answered 400 with what to do instead (before its key is looked at). */
  private void requireHttps(Context ctx) {
    if (!ctx.req().isSecure()) {
      String host = ctx.host() == null ? "HOST:PORT" : ctx.host();
      throw new Rejection(Problems.problem("https-required", "HTTPS required", 400, "this port serves HTTPS: use https://"
          + host + ctx.path() + " (the request went over plain HTTP, so its API key crossed the network unencrypted)",
          ctx.path(), null, null, null));
    }
  }

  /** Prometheus's text format of everything the server counts; any valid key may read it (a metrics key only this). */
  private void metrics(Context ctx) {
    if (scrape == null) {
      throw new NotFoundException("route", "GET /metrics");
    }
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(scrape.get());
  }

  /** Counts and times every request by route (its template, not the names in it), method and status. */
  private void recordRequest(Context ctx) {
    Long started = ctx.attribute(STARTED_ATTRIBUTE);
    String route;
    try {
      route = ctx.endpointHandlerPath();
    } catch (RuntimeException unmatched) {
      route = "unmatched";
    }
    if (route == null || route.isEmpty() || route.equals("*")) {
      route = "unmatched";
    }
    if (started != null) {
      Timer.builder("http.server.requests").tag("method", ctx.method().name()).tag("route", route)
          .tag("status", Integer.toString(ctx.statusCode())).register(meters)
          .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
    LOG.debug("{} {} -> {}", ctx.method(), ctx.path(), ctx.statusCode());
  }

  private void listDatabases(Context ctx) {
    Engine engine = ctx.queryParam("type") == null ? null : Engine.parse("type", ctx.queryParam("type"));
    DatabaseStatus status = ctx.queryParam("status") == null ? null : status(ctx.queryParam("status"));
    SnapshotName origin = ctx.queryParam("origin") == null ? null : SnapshotName.of("origin", ctx.queryParam("origin"));
    Map<SnapshotId, String> names = snapshotNames();
    ctx.json(page(ctx, stagDb.list(new DatabaseFilter(engine, status, origin)),
        d -> Views.database(d, names, settings.publicHost())));
  }

  /** The newest deliveries first, paged as every list (50 a page unless {@code limit} says). */
  private void deliveries(Context ctx) {
    String id = ctx.pathParam("id");
    int limit = intParam(ctx, "limit", 50, 1, 500);
    int offset = intParam(ctx, "offset", 0, 0, 100_000);
    List<Dto.Delivery> items = webhooks.deliveries(id, offset + limit).stream().skip(offset).map(Views::delivery).toList();
    ctx.json(new Dto.Page<>(items, webhooks.countDeliveries(id), offset, limit));
  }

  private void getDatabase(Context ctx) {
    ctx.json(view(stagDb.get(databaseName(ctx))));
  }

  /** 202 with the database DELETING (its volumes go in the background), or with {@code wait=true} 204 once it is gone. */
  private void deleteDatabase(Context ctx) {
    DatabaseName name = databaseName(ctx);
    if (booleanParam(ctx, "wait", false)) {
      stagDb.delete(name, cascade(ctx));
      ctx.status(204);
      return;
    }
    Database deleting = stagDb.deleteInBackground(name, cascade(ctx));
    ctx.status(202).header("Location", "/v1/databases/" + name.value()).json(view(deleting));
  }

  private void createSnapshot(Context ctx) {
    Dto.CreateSnapshot body = body(ctx, Dto.CreateSnapshot.class);
    Snapshot s = stagDb.snapshot(databaseName(ctx), SnapshotName.of("name", body.name()));
    ctx.status(201).header("Location", "/v1/snapshots/" + s.name().value()).json(Views.snapshot(s, List.of()));
  }

  private void branchFromDatabase(Context ctx) {
    DatabaseName source = databaseName(ctx);
    created(ctx, "/v1/databases/", view(stagDb.branchFromDatabase(source, branchRequest(body(ctx, Dto.CreateBranch.class)))));
  }

  private void branchFromSnapshot(Context ctx) {
    SnapshotName source = snapshotName(ctx);
    created(ctx, "/v1/databases/", view(stagDb.branchFromSnapshot(source, branchRequest(body(ctx, Dto.CreateBranch.class)))));
  }

  private void reset(Context ctx) {
    String snapshot = ctx.queryParam("snapshot");
    ctx.json(view(stagDb.reset(databaseName(ctx), snapshot == null ? null : SnapshotName.of("snapshot", snapshot))));
  }

  /** The body is the dump, streamed to the engine as it arrives: no size limit, never held whole. */
  private void importDump(Context ctx) throws IOException {
    DatabaseName name = databaseName(ctx);
    try (InputStream dump = ctx.req().getInputStream()) {
      io.stagdb.domain.port.in.DumpImport done = stagDb.importDump(name, dump);
      ctx.json(new Dto.DumpImport(done.database().value(), done.format().name().toLowerCase(java.util.Locale.ROOT)
          .replace('_', '-'), done.bytes(), done.took().toMillis() / 1000.0));
    }
  }

  private void logs(Context ctx) throws Exception {
    int tail = intParam(ctx, "tail", 100, 0, 10_000);
    String since = ctx.queryParam("since");
    Instant from = since == null ? null : instantOrAgo("since", since);
    DatabaseName name = databaseName(ctx);
    if (!booleanParam(ctx, "follow", false)) {
      ctx.contentType("text/plain; charset=utf-8").result(stagDb.logs(name, tail, from));
      return;
    }
    if (!LogStreams.EVENT_STREAM.equals(ctx.header("Accept"))) {
      throw new Rejection(Problems.problem("not-acceptable", "Not acceptable", 406,
          "follow=true streams Server-Sent Events: send 'Accept: " + LogStreams.EVENT_STREAM + "'",
          ctx.path(), null, null, null));
    }
    if (logStreams.full()) {
      ctx.header("Retry-After", "10");
      throw new Rejection(Problems.problem("too-many-log-streams", "Too many log streams", 503,
          "the server follows " + settings.maxLogStreams() + " logs already; retry later", ctx.path(), null, null, null));
    }
    stagDb.get(name);   // 404 before the stream is committed
    logStreams.stream(ctx, follower -> stagDb.followLogs(name, tail, from, follower));
  }

  private CreateBranch branchRequest(Dto.CreateBranch body) {
    Dto.Config config = body.config() == null ? new Dto.Config(null, null, null, null, null, null) : body.config();
    if (config.env() != null || config.initScripts() != null || config.extensions() != null || config.settings() != null) {
      throw new InvalidRequestException("config", "a branch takes memory, cpu, storage and port; env, initScripts,"
          + " extensions and settings come from its source");
    }
    return new CreateBranch(DatabaseName.of("name", body.name()), resources(config), config.port(),
        body.ttl() == null ? null : Quantities.parseDuration("ttl", body.ttl()), body.labels(),
        Boolean.TRUE.equals(body.recyclable()));
  }

  // ---- webhooks and keys ---------------------------------------------------------------------

  private void createWebhook(Context ctx) {
    Dto.CreateWebhook body = body(ctx, Dto.CreateWebhook.class);
    WebhookSubscription s = webhooks.subscribe(body.url(), body.events(), body.secret());
    ctx.status(201).header("Location", "/v1/webhooks/" + s.id()).json(Views.webhook(s, true));
  }

  private void createApiKey(Context ctx) {
    Dto.CreateApiKey body = body(ctx, Dto.CreateApiKey.class);
    ApiKey.Scope scope;
    try {
      scope = body.scope() == null ? ApiKey.Scope.STANDARD : ApiKey.Scope.valueOf(body.scope().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException("scope", "must be admin, standard or metrics");
    }
    ApiKeys.Issued issued = keys.issue(body.name(), scope);
    LOG.info("API key {} ({}, {}) created", issued.key().id(), issued.key().name(), scope);
    ctx.status(201).header("Location", "/v1/api-keys/" + issued.key().id()).json(Views.apiKey(issued.key(), issued.token()));
  }

  private void revokeApiKey(Context ctx) {
    String id = ctx.pathParam("id");
    keys.revoke(id);
    LOG.info("API key {} revoked", id);
    ctx.status(204);
  }

  private void openApi(Context ctx) {
    try (InputStream in = StagDbHttpApi.class.getResourceAsStream("openapi.json")) {
      ctx.contentType("application/json").result(Objects.requireNonNull(in).readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- input -------------------------------------------------------------------------------

  /**
   * Parses a JSON body: 415 for another content type, 413 above the size limit, 400 for the rest.
   * {@code application/x-www-form-urlencoded} is read as JSON too: it is what {@code curl -d} sends,
   * and the documented curl examples must work as written.
   */
  private <T> T body(Context ctx, Class<T> type) {
    String contentType = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    if (!contentType.startsWith("application/json") && !contentType.startsWith("application/x-www-form-urlencoded")) {
      throw new Rejection(Problems.problem("unsupported-media-type", "Unsupported media type", 415,
          "send the body as application/json", ctx.path(), null, null, null));
    }
    byte[] bytes = readLimited(ctx);
    if (bytes.length == 0) {
      throw new InvalidRequestException("body", "a JSON object is required");
    }
    try {
      T value = Json.strictMapper().readValue(bytes, type);
      if (value == null) {
        throw new InvalidRequestException("body", "a JSON object is required");
      }
      return value;
    } catch (IOException e) {
      throw new ParsedBodyFailure(e);
    }
  }

  /** Reads at most the configured number of bytes, whatever Content-Length says (chunked bodies too). */
  private byte[] readLimited(Context ctx) {
    long max = settings.maxBodyBytes();
    if (ctx.req().getContentLengthLong() > max) {
      throw tooLarge(ctx);
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] bytes = in.readNBytes((int) max + 1);
      if (bytes.length > max) {
        throw tooLarge(ctx);
      }
      return bytes;
    } catch (IOException e) {
      throw new InvalidRequestException("body", "could not read the request body");
    }
  }

  private Rejection tooLarge(Context ctx) {
    return new Rejection(Problems.problem("payload-too-large", "Payload too large", 413,
        "request bodies are limited to " + settings.maxBodyBytes() + " bytes", ctx.path(), null, null, null));
  }

  /** A Jackson failure carried to the exception table (which knows how to name the field). */
  private static final class ParsedBodyFailure extends RuntimeException {
    ParsedBodyFailure(IOException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  // ---- output ------------------------------------------------------------------------------

  private Dto.Database view(Database d) {
    return Views.database(d, d.origin() == null ? Map.of() : snapshotNames(), settings.publicHost(),
        stagDb.importProgress(d).orElse(null));   // an import, or a refresh while the database serves
  }

  private Map<SnapshotId, String> snapshotNames() {
    Map<SnapshotId, String> names = new HashMap<>();
    stagDb.snapshots(null).forEach(s -> names.put(s.id(), s.name().value()));
    return names;
  }

  private Dto.Snapshot snapshotView(Snapshot s) {
    return Views.snapshot(s, branchNames(s));
  }

  private List<String> branchNames(Snapshot s) {
    return stagDb.list(new DatabaseFilter(null, null, s.name())).stream().map(d -> d.name().value()).toList();
  }

  private static void problem(Context ctx, Dto.Problem problem) {
    ctx.status(problem.status()).json(problem).contentType(Problems.CONTENT_TYPE);   // json() sets its own type
  }

  private static boolean isProblem(Context ctx) {
    String type = ctx.res().getContentType();
    return type != null && type.startsWith(Problems.CONTENT_TYPE);
  }

  private static Dto.Problem httpProblem(int status, String message, String path) {
    return switch (status) {
      case 413 -> Problems.problem("payload-too-large", "Payload too large", 413, message, path, null, null, null);
      case 404 -> Problems.problem("not-found", "Not found", 404, message, path, null, null, null);
      case 405 -> Problems.problem("method-not-allowed", "Method not allowed", 405, message, path, null, null, null);
      default -> Problems.problem("http-" + status, message, status, message, path, null, null, null);
    };
  }
}
