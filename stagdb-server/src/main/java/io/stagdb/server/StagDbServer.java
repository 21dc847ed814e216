package io.stagdb.server;

import io.stagdb.domain.service.ReconcileReport;
import io.stagdb.docker.DockerDatabaseRuntime;
import io.stagdb.http.ApiSettings;
import io.stagdb.http.StagDbHttpApi;
import io.stagdb.http.TlsFiles;
import io.stagdb.server.config.ServerConfig;
import io.stagdb.server.metrics.ServerMetrics;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone server: reconciles on start (undoing or finishing what a crash left), then
 * serves the REST API and runs the background jobs (TTL reaper, crash detection, webhook
 * delivery). {@link #close()} stops accepting, lets in-flight requests finish within the
 * configured bound, and leaves anything unfinished to the next start's reconciliation.
 */
public final class StagDbServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StagDbServer.class);

  private final StagDbEngine engine;
  private final StagDbHttpApi api;
  private final ScheduledExecutorService jobs = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "stagdb-jobs");
    t.setDaemon(true);
    return t;
  });
  private final ReconcileReport startupReport;
  private final int port;

  private StagDbServer(ServerConfig config, String version) {
    long started = System.nanoTime();
    ServerMetrics metrics = new ServerMetrics();
    engine = StagDbEngine.start(config, metrics);
    try {
      startupReport = engine.reconcile(false);
      metrics.reconciled(startupReport);
      metrics.bindDatabases(engine);
      metrics.bindPool(engine::poolUsage);
      metrics.bindWebhooks(engine.webhooks());
      startupReport.actions().forEach(a -> LOG.info("reconcile: {} {} - {}{}", a.kind(), a.subject(), a.detail(),
          a.applied() ? " (done)" : a.error() != null ? " (failed: " + a.error() + ")" : " (reported only)"));
      api = new StagDbHttpApi(engine, engine.apiKeys(), engine.webhooks(), new ApiSettings(config.publicHost(),
          config.requestsPerSecond(), config.burst(), config.failedAuthPerMinute(), 1 << 20, version,
          config.shutdownTimeout(), DockerDatabaseRuntime.MAX_LOG_FOLLOWERS), metrics.registry(), metrics::scrape);
      port = api.start(config.apiHost(), config.apiPort(),
          config.tls() ? new TlsFiles(config.tlsCertificate(), config.tlsPrivateKey()) : null);
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
    schedule("reap expired branches", engine::deleteExpired, config.reaperInterval().toMillis());
    schedule("finish deletions left half-done", engine::finishPendingDeletions, 60_000);
    schedule("detect crashed databases", engine::detectCrashes, 10_000);
    schedule("refresh imported databases on their schedule", engine::refreshDue, 30_000);
    schedule("deliver webhooks", engine.webhooks()::dispatchOnce, 1_000);
    LOG.info("stagDB listening on {}://{}:{} (started in {} ms)", config.tls() ? "https" : "http", config.apiHost(), port,
        (System.nanoTime() - started) / 1_000_000);
  }

  public static StagDbServer start(ServerConfig config, String version) {
    return new StagDbServer(config, version);
  }

  private void schedule(String what, Runnable job, long periodMillis) {
    jobs.scheduleWithFixedDelay(() -> {
      try {
        job.run();
      } catch (RuntimeException e) {
        LOG.warn("could not {}: {}", what, e.getMessage());
      }
    }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  public int port() {
    return port;
  }

  public StagDbEngine engine() {
    return engine;
  }

  public ReconcileReport startupReport() {
    return startupReport;
  }

  @Override
  public void close() {
    LOG.info("stopping: no new requests; in-flight ones may finish");
    jobs.shutdownNow();
    api.close();
    engine.close();
    LOG.info("stopped");
  }
}
