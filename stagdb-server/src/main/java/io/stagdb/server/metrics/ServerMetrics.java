package io.stagdb.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.DatabaseStatus;
import io.stagdb.domain.model.Engine;
import io.stagdb.domain.port.in.DatabaseFilter;
import io.stagdb.domain.port.in.StagDb;
import io.stagdb.domain.port.out.OperationObserver;
import io.stagdb.domain.port.out.VolumeUsage;
import io.stagdb.domain.service.ReconcileReport;
import io.stagdb.domain.webhook.Webhooks;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the server counts, in Prometheus's text format through Micrometer ({@code GET /metrics}):
 * each operation's duration as a histogram ({@code stagdb_operation_seconds}, by kind and
 * outcome), requests by route, method and status ({@code http_server_requests_seconds}, from the
 * HTTP adapter), databases by engine and status, the pool's size, used and free bytes, webhook
 * deliveries pending, failed and retried, reconcile actions, rate-limit rejections, and the JVM's.
 * Figures that cost a query (databases, pool, deliveries) are taken at most once a second.
 */
public final class ServerMetrics implements OperationObserver {
  private static final long REFRESH_NANOS = Duration.ofSeconds(1).toNanos();

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  public ServerMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void finished(String kind, Duration took, boolean succeeded) {
    Timer.builder("stagdb.operation").description("How long an operation took, from its request until it was done")
        .tag("kind", kind).tag("outcome", succeeded ? "success" : "failure").publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofMinutes(10))
        .register(registry).record(took);
  }

  /** Counts what a reconciliation did (or found, in a dry run). */
  public void reconciled(ReconcileReport report) {
    for (ReconcileReport.Action action : report.actions()) {
      registry.counter("stagdb.reconcile.actions", "action", action.kind().name().toLowerCase(Locale.ROOT), "outcome",
          action.applied() ? "done" : action.error() != null ? "failed" : "reported").increment();
    }
  }

  /** Databases by engine and status, from the catalog. */
  public void bindDatabases(StagDb stagDb) {
    Supplier<Map<Engine, Map<DatabaseStatus, Integer>>> counts = cached(() -> {
      Map<Engine, Map<DatabaseStatus, Integer>> byEngine = new EnumMap<>(Engine.class);
      for (Engine e : Engine.values()) {
        Map<DatabaseStatus, Integer> byStatus = new EnumMap<>(DatabaseStatus.class);
        for (DatabaseStatus s : DatabaseStatus.values()) {
          byStatus.put(s, 0);
        }
        byEngine.put(e, byStatus);
      }
      List<Database> all = stagDb.list(new DatabaseFilter(null, null, null));
      for (Database d : all) {
        byEngine.get(d.engine().engine()).merge(d.status(), 1, Integer::sum);
      }
      return byEngine;
    });
    for (Engine e : Engine.values()) {
      for (DatabaseStatus s : DatabaseStatus.values()) {
        Gauge.builder("stagdb.databases", () -> counts.get().get(e).get(s)).description("Databases and branches")
            .tag("engine", e.id()).tag("status", s.name().toLowerCase(Locale.ROOT)).register(registry);
      }
    }
  }

  /** The pool as the configured root sees it: size (used + free), used and free bytes. */
  public void bindPool(Supplier<VolumeUsage> root) {
    Supplier<VolumeUsage> usage = cached(root);
    Gauge.builder("stagdb.pool.used", () -> usage.get().used()).baseUnit("bytes").description("Bytes the databases use")
        .register(registry);
    Gauge.builder("stagdb.pool.free", () -> usage.get().available()).baseUnit("bytes").description("Bytes still free")
        .register(registry);
    Gauge.builder("stagdb.pool.size", () -> usage.get().used() + usage.get().available()).baseUnit("bytes")
        .description("Used and free bytes together").register(registry);
  }

  /** Webhook deliveries waiting, given up on, and attempts scheduled again. */
  public void bindWebhooks(Webhooks webhooks) {
    Supplier<Integer> pending = cached(webhooks::pendingDeliveries);
    Supplier<Integer> failed = cached(webhooks::failedDeliveries);
    Gauge.builder("stagdb.webhook.deliveries.pending", pending::get).description("Deliveries waiting for an attempt")
        .register(registry);
    Gauge.builder("stagdb.webhook.deliveries.failed", failed::get).description("Deliveries given up on").register(registry);
    FunctionCounter.builder("stagdb.webhook.deliveries.retried", webhooks, Webhooks::retriedDeliveries)
        .description("Failed attempts scheduled again").register(registry);
  }

  /** A supplier that asks {@code source} at most once a second; a failure gives the last value (or fails the first time). */
  private static <T> Supplier<T> cached(Supplier<T> source) {
    return new Supplier<>() {
      private T value;
      private long at;

      @Override
      public synchronized T get() {
        long now = System.nanoTime();
        if (value == null || now - at > REFRESH_NANOS) {
          try {
            value = source.get();
            at = now;
          } catch (RuntimeException e) {
            if (value == null) {
              throw e;
            }
          }
        }
        return value;
      }
    };
  }
}
