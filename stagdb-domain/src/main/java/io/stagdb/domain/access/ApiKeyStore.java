package io.stagdb.domain.access;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where API keys are kept (hashes only).
 *
 * <pre>{@code
 * store.insert(key);
 * store.find(key.id()).filter(ApiKey::active);
 * store.revoke(key.id(), clock.instant());
 * }</pre>
 */
public interface ApiKeyStore {

  /** Conflict (already exists) when the id is taken. */
  void insert(ApiKey key);

  Optional<ApiKey> find(String id);

  /** All keys, revoked ones included, oldest first. */
  List<ApiKey> list();

  /** Marks a key revoked; NotFound when it does not exist. Revoking twice keeps the first time. */
  void revoke(String id, Instant at);
}
