package io.stagdb.http;

import io.stagdb.domain.access.ApiKey;
import io.stagdb.domain.model.Database;
import io.stagdb.domain.model.Engine;
import io.stagdb.domain.model.Quantities;
import io.stagdb.domain.model.Resources;
import io.stagdb.domain.model.Snapshot;
import io.stagdb.domain.model.SnapshotId;
import io.stagdb.domain.port.in.DatabaseStats;
import io.stagdb.domain.port.in.ImportProgress;
import io.stagdb.domain.port.in.Offer;
import io.stagdb.domain.webhook.WebhookDelivery;
import io.stagdb.domain.webhook.WebhookSubscription;
import io.stagdb.api.Dto;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Maps the domain's records to the API's JSON bodies. */
final class Views {
  private Views() {
  }

  static Dto.Database database(Database d, Map<SnapshotId, String> snapshotNames, String host) {
    return database(d, snapshotNames, host, null);
  }

  /** With the progress of its import, while it is importing. */
  static Dto.Database database(Database d, Map<SnapshotId, String> snapshotNames, String host, ImportProgress progress) {
    var c = d.credentials();
    return new Dto.Database(d.id().value(), d.name().value(), d.engine().engine().id(), d.engine().version(),
        d.status().name().toLowerCase(Locale.ROOT), d.statusDetail(),
        new Dto.Connection(host, d.port(), c.username(), c.password(), c.database()),
        url(d, host), resources(d), d.origin() == null ? null : snapshotNames.getOrDefault(d.origin(), d.origin().value()),
        text(d.expiresAt()), d.labels(), text(d.createdAt()), text(d.updatedAt()),
        d.engineSettings().extensions().isEmpty() ? null : d.engineSettings().extensions(),
        d.engineSettings().settings().isEmpty() ? null : new java.util.TreeMap<>(d.engineSettings().settings()),
        d.source() == null ? null : new Dto.Source(d.source().masked(), d.refresh().schedule(), d.refresh().keep()),
        progress == null ? null : new Dto.ImportState(progress.phase(), progress.objectsDone(), progress.objectsTotal(),
            progress.bytesDone(), progress.bytesTotal(), text(progress.startedAt()), progress.elapsed().toSeconds()));
  }

  /** A connection URL in the engine's usual scheme, user and password URL-encoded. */
  static String url(Database d, String host) {
    var c = d.credentials();
    String scheme = switch (d.engine().engine()) {
      case POSTGRESQL -> "postgresql";
      case MYSQL -> "mysql";
      case MARIADB -> "mariadb";
      case MONGODB -> "mongodb";
    };
    String suffix = d.engine().engine() == Engine.MONGODB ? "?authSource=admin" : "";
    return scheme + "://" + encode(c.username()) + ":" + encode(c.password()) + "@" + host + ":" + d.port() + "/"
        + encode(c.database()) + suffix;
  }

  static Dto.Resources resources(Database d) {
    return resources(d.resources());
  }

  private static Dto.Resources resources(Resources r) {
    return new Dto.Resources(Quantities.formatBytes(r.memoryBytes()), Quantities.formatMilliCpus(r.milliCpus()),
        Quantities.formatBytes(r.storageBytes()));
  }

  static Dto.Capabilities capabilities(Offer offer) {
    var r = offer.resources();
    return new Dto.Capabilities(offer.engines().stream().map(e -> new Dto.EngineImage(e.engine().engine().id(),
        e.engine().version(), e.image(), e.available())).toList(),
        new Dto.ResourceBounds(resources(r.min()), resources(r.max()), resources(r.defaults())),
        Quantities.formatDuration(offer.maxTtl()));
  }

  static Dto.Snapshot snapshot(Snapshot s, List<String> branches) {
    return new Dto.Snapshot(s.id().value(), s.name().value(), s.databaseName().value(), s.automatic(),
        text(s.createdAt()), branches);
  }

  static Dto.Stats stats(DatabaseStats stats) {
    var r = stats.runtime();
    var e = stats.engine();
    var v = stats.storage();
    return new Dto.Stats(
        r == null ? null : new Dto.Container(round(r.cpuPercent()), r.memoryUsedBytes(), r.memoryLimitBytes(),
            r.networkRxBytes(), r.networkTxBytes(), r.blockReadBytes(), r.blockWriteBytes()),
        e == null ? null : new Dto.Engine(e.sizeBytes(), e.connections()),
        new Dto.Storage(v.used(), v.referenced(), v.quota(), v.available(), v.written()));
  }

  static Dto.Webhook webhook(WebhookSubscription s, boolean withSecret) {
    return new Dto.Webhook(s.id(), s.url().toString(), s.events().stream().map(t -> t.wireName()).sorted().toList(),
        withSecret ? s.secret() : null, text(s.createdAt()));
  }

  static Dto.Delivery delivery(WebhookDelivery d) {
    return new Dto.Delivery(d.id(), d.event().id(), d.event().type().wireName(),
        d.status().name().toLowerCase(Locale.ROOT), d.attempts(), d.lastStatusCode(), d.lastError(),
        text(d.nextAttemptAt()), text(d.createdAt()), text(d.updatedAt()));
  }

  static Dto.ApiKey apiKey(ApiKey k, String token) {
    return new Dto.ApiKey(k.id(), k.name(), k.scope().name().toLowerCase(Locale.ROOT), text(k.createdAt()),
        text(k.revokedAt()), token);
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
