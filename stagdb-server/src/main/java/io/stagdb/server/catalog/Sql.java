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

/** Small JDBC and JSON helpers of the SQLite stores. */
final class Sql {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Sql() {
  }

  @FunctionalInterface
  interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  static <T> List<T> query(Connection c, String sql, List<String> args, Row<T> row) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        s.setString(i + 1, args.get(i));
      }
      List<T> result = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          result.add(row.map(rs));
        }
      }
      return result;
    }
  }

  static <T> Optional<T> first(List<T> rows) {
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  static RuntimeException unique(SQLException e, String what) {
    return String.valueOf(e.getMessage()).contains("UNIQUE constraint failed")
        || String.valueOf(e.getMessage()).contains("PRIMARY KEY")
        ? ConflictException.alreadyExists("entry", what)
        : new InfrastructureException("catalog write failed: " + e.getMessage(), e);
  }

  static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  static Instant instant(String text) {
    return text == null ? null : Instant.parse(text);
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static <T> T parse(String json, TypeReference<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new InfrastructureException("corrupt catalog value: " + e.getOriginalMessage(), e);
    }
  }
}
