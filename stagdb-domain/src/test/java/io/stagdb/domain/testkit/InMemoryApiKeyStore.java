package io.stagdb.domain.testkit;

import io.stagdb.domain.access.ApiKey;
import io.stagdb.domain.access.ApiKeyStore;
import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.NotFoundException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** API keys in memory, for tests. */
public final class InMemoryApiKeyStore implements ApiKeyStore {
  private final Map<String, ApiKey> keys = new LinkedHashMap<>();

  @Override
  public synchronized void insert(ApiKey key) {
    if (keys.putIfAbsent(key.id(), key) != null) {
      throw ConflictException.alreadyExists("api key", key.id());
    }
  }

  @Override
  public synchronized Optional<ApiKey> find(String id) {
    return Optional.ofNullable(keys.get(id));
  }

  @Override
  public synchronized List<ApiKey> list() {
    return new ArrayList<>(keys.values());
  }

  @Override
  public synchronized void revoke(String id, Instant at) {
    ApiKey key = keys.get(id);
    if (key == null) {
      throw new NotFoundException("api key", id);
    }
    if (key.active()) {
      keys.put(id, new ApiKey(key.id(), key.name(), key.scope(), key.secretHash(), key.createdAt(), at));
    }
  }
}
