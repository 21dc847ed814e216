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

/** API keys (hashes only) in the catalog's SQLite file. */
public final class SqliteApiKeyStore implements ApiKeyStore {
  private final SqliteDatabase db;

  public SqliteApiKeyStore(SqliteDatabase db) {
    this.db = db;
  }

  @Override
  public void insert(ApiKey key) {
    db.write(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO api_keys (id, name, scope, secret_hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)")) {
        s.setString(1, key.id());
        s.setString(2, key.name());
        s.setString(3, key.scope().name());
        s.setString(4, key.secretHash());
        s.setString(5, key.createdAt().toString());
        s.setString(6, Sql.text(key.revokedAt()));
        s.executeUpdate();
      } catch (SQLException e) {
        throw Sql.unique(e, "api key " + key.id());
      }
      return null;
    });
  }

  @Override
  public Optional<ApiKey> find(String id) {
    return db.read(c -> Sql.first(Sql.query(c, "SELECT * FROM api_keys WHERE id = ?", List.of(id), SqliteApiKeyStore::apiKey)));
  }

  @Override
  public List<ApiKey> list() {
    return db.read(c -> Sql.query(c, "SELECT * FROM api_keys ORDER BY created_at, rowid", List.of(), SqliteApiKeyStore::apiKey));
  }

  @Override
  public void revoke(String id, Instant at) {
    db.write(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?")) {
        s.setString(1, at.toString());
        s.setString(2, id);
        if (s.executeUpdate() == 0) {
          throw new NotFoundException("api key", id);
        }
      }
      return null;
    });
  }

  private static ApiKey apiKey(ResultSet rs) throws SQLException {
    return new ApiKey(rs.getString("id"), rs.getString("name"), ApiKey.Scope.valueOf(rs.getString("scope")),
        rs.getString("secret_hash"), Instant.parse(rs.getString("created_at")), Sql.instant(rs.getString("revoked_at")));
  }

}
