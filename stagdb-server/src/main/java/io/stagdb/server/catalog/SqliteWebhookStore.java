package io.stagdb.server.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagdb.domain.access.ApiKey;
import io.stagdb.domain.access.ApiKeyStore;
import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.Event;
import io.stagdb.domain.model.EventType;
import io.stagdb.domain.webhook.WebhookDelivery;
import io.stagdb.domain.webhook.WebhookStore;
import io.stagdb.domain.webhook.WebhookSubscription;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Webhook subscriptions and deliveries in the catalog's SQLite file. */
public final class SqliteWebhookStore implements WebhookStore {
  private static final String DELIVERY_COLUMNS = "id, webhook_id, event_id, event_type, event_at, event_data, status, "
      + "attempts, last_status_code, last_error, next_attempt_at, created_at, updated_at";

  private final SqliteDatabase db;

  public SqliteWebhookStore(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public void insert(WebhookSubscription subscription) {
    db.write(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO webhooks (id, url, events, secret, created_at) VALUES (?, ?, ?, ?, ?)")) {
        s.setString(1, subscription.id());
        s.setString(2, subscription.url().toString());
        s.setString(3, Sql.json(subscription.events().stream().map(EventType::wireName).sorted().toList()));
        s.setString(4, subscription.secret());
        s.setString(5, subscription.createdAt().toString());
        s.executeUpdate();
      } catch (SQLException e) {
        throw Sql.unique(e, "webhook " + subscription.id());
      }
      return null;
    });
  }

  @Override
  public Optional<WebhookSubscription> find(String id) {
    return db.read(c -> Sql.first(Sql.query(c, "SELECT * FROM webhooks WHERE id = ?", List.of(id), SqliteWebhookStore::webhook)));
  }

  @Override
  public List<WebhookSubscription> list() {
    return db.read(c -> Sql.query(c, "SELECT * FROM webhooks ORDER BY created_at, rowid", List.of(), SqliteWebhookStore::webhook));
  }

  @Override
  public void delete(String id) {
    db.write(c -> {
      try (PreparedStatement d = c.prepareStatement("DELETE FROM deliveries WHERE webhook_id = ?");
           PreparedStatement w = c.prepareStatement("DELETE FROM webhooks WHERE id = ?")) {
        d.setString(1, id);
        d.executeUpdate();
        w.setString(1, id);
        if (w.executeUpdate() == 0) {
          throw new NotFoundException("webhook", id);
        }
      }
      return null;
    });
  }

  @Override
  public void enqueue(List<WebhookDelivery> deliveries) {
    if (deliveries.isEmpty()) {
      return;
    }
    db.write(c -> {
      try (PreparedStatement s = c.prepareStatement("INSERT OR IGNORE INTO deliveries (" + DELIVERY_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (WebhookDelivery d : deliveries) {
          bind(s, d);
          s.executeUpdate();
        }
      }
      return null;
    });
  }

  @Override
  public List<WebhookDelivery> due(Instant now, int limit) {
    return db.read(c -> Sql.query(c, "SELECT " + DELIVERY_COLUMNS + " FROM deliveries WHERE status = 'PENDING' AND "
        + "next_attempt_at <= ? ORDER BY next_attempt_at, seq LIMIT " + limit, List.of(now.toString()),
        SqliteWebhookStore::delivery));
  }

  @Override
  public void update(WebhookDelivery delivery) {
    db.write(c -> {
      try (PreparedStatement s = c.prepareStatement("UPDATE deliveries SET status = ?, attempts = ?, "
          + "last_status_code = ?, last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?")) {
        s.setString(1, delivery.status().name());
        s.setInt(2, delivery.attempts());
        if (delivery.lastStatusCode() == null) {
          s.setNull(3, Types.INTEGER);
        } else {
          s.setInt(3, delivery.lastStatusCode());
        }
        s.setString(4, delivery.lastError());
        s.setString(5, Sql.text(delivery.nextAttemptAt()));
        s.setString(6, delivery.updatedAt().toString());
        s.setString(7, delivery.id());
        s.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public List<WebhookDelivery> deliveries(String subscriptionId, int limit) {
    return db.read(c -> Sql.query(c, "SELECT " + DELIVERY_COLUMNS + " FROM deliveries WHERE webhook_id = ? ORDER BY seq DESC "
        + "LIMIT " + limit, List.of(subscriptionId), SqliteWebhookStore::delivery));
  }

  @Override
  public int countByStatus(WebhookDelivery.Status status) {
    return db.read(c -> Sql.query(c, "SELECT count(*) FROM deliveries WHERE status = ?", List.of(status.name()),
        rs -> rs.getInt(1)).get(0));
  }

  @Override
  public int countDeliveries(String subscriptionId) {
    return db.read(c -> Sql.query(c, "SELECT count(*) FROM deliveries WHERE webhook_id = ?", List.of(subscriptionId),
        rs -> rs.getInt(1)).get(0));
  }

  private static void bind(PreparedStatement s, WebhookDelivery d) throws SQLException {
    s.setString(1, d.id());
    s.setString(2, d.subscriptionId());
    s.setString(3, d.event().id());
    s.setString(4, d.event().type().wireName());
    s.setString(5, d.event().occurredAt().toString());
    s.setString(6, Sql.json(d.event().data()));
    s.setString(7, d.status().name());
    s.setInt(8, d.attempts());
    if (d.lastStatusCode() == null) {
      s.setNull(9, Types.INTEGER);
    } else {
      s.setInt(9, d.lastStatusCode());
    }
    s.setString(10, d.lastError());
    s.setString(11, Sql.text(d.nextAttemptAt()));
    s.setString(12, d.createdAt().toString());
    s.setString(13, d.updatedAt().toString());
  }

  private static WebhookSubscription webhook(ResultSet rs) throws SQLException {
    Set<EventType> events = EnumSet.noneOf(EventType.class);
    for (String name : Sql.parse(rs.getString("events"), new TypeReference<List<String>>() {
    })) {
      events.add(EventType.fromWireName(name));
    }
    return new WebhookSubscription(rs.getString("id"), URI.create(rs.getString("url")), events, rs.getString("secret"),
        Instant.parse(rs.getString("created_at")));
  }

  private static WebhookDelivery delivery(ResultSet rs) throws SQLException {
    Event event = new Event(rs.getString("event_id"), EventType.fromWireName(rs.getString("event_type")),
        Instant.parse(rs.getString("event_at")), Sql.parse(rs.getString("event_data"), new TypeReference<Map<String, String>>() {
        }));
    int code = rs.getInt("last_status_code");
    Integer lastStatus = rs.wasNull() ? null : code;
    return new WebhookDelivery(rs.getString("id"), rs.getString("webhook_id"), event,
        WebhookDelivery.Status.valueOf(rs.getString("status")), rs.getInt("attempts"), lastStatus,
        rs.getString("last_error"), Sql.instant(rs.getString("next_attempt_at")), Instant.parse(rs.getString("created_at")),
        Instant.parse(rs.getString("updated_at")));
  }

}
