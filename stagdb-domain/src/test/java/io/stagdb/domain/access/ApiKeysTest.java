package io.stagdb.domain.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.testkit.InMemoryApiKeyStore;
import io.stagdb.domain.testkit.MutableClock;
import org.junit.jupiter.api.Test;

class ApiKeysTest {
  private final InMemoryApiKeyStore store = new InMemoryApiKeyStore();
  private final ApiKeys keys = new ApiKeys(store, MutableClock.startingAt("2026-11-25T10:00:00Z"));

  @Test
  void issuesRecognisableTokensWith256RandomBitsAndStoresOnlyAHash() {
    ApiKeys.Issued issued = keys.issue("ci pipeline", ApiKey.Scope.STANDARD);
    assertThat(issued.token()).startsWith("stagdb_" + issued.key().id() + "_");
    String secret = issued.token().substring(("stagdb_" + issued.key().id() + "_").length());
    assertThat(secret).hasSize(43);   // 32 bytes, base64url
    assertThat(store.find(issued.key().id()).orElseThrow().secretHash()).doesNotContain(secret).hasSize(64);
    assertThat(issued.toString()).doesNotContain(secret);
    assertThat(keys.issue("second", ApiKey.Scope.ADMIN).token()).isNotEqualTo(issued.token());
  }

  @Test
  void authenticatesOnlyTheExactActiveToken() {
    ApiKeys.Issued issued = keys.issue("admin", ApiKey.Scope.ADMIN);
    assertThat(keys.authenticate(issued.token())).contains(issued.key());
    String token = issued.token();
    char last = token.charAt(token.length() - 1);
    assertThat(keys.authenticate(token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A'))).isEmpty();
    assertThat(keys.authenticate("stagdb_k000000000000_" + "A".repeat(43))).isEmpty();
    assertThat(keys.authenticate("Bearer " + token)).isEmpty();
    assertThat(keys.authenticate(null)).isEmpty();
    assertThat(keys.authenticate("")).isEmpty();
    keys.issue("another admin", ApiKey.Scope.ADMIN);
    keys.revoke(issued.key().id());
    assertThat(keys.authenticate(token)).isEmpty();
  }

  @Test
  void theLastActiveAdminKeyCannotBeRevokedWhoeverAsks() {
    ApiKeys.Issued admin = keys.issue("admin", ApiKey.Scope.ADMIN);
    ApiKeys.Issued standard = keys.issue("ci", ApiKey.Scope.STANDARD);
    assertThatThrownBy(() -> keys.revoke(admin.key().id()))
        .isInstanceOfSatisfying(io.stagdb.domain.error.ConflictException.class,
            e -> assertThat(e.reason()).isEqualTo(io.stagdb.domain.error.ConflictException.Reason.INVALID_STATE))
        .hasMessageContaining("last active admin key");
    assertThat(keys.authenticate(admin.token())).isPresent();
    keys.revoke(standard.key().id());   // any other key may go
    ApiKeys.Issued second = keys.issue("second admin", ApiKey.Scope.ADMIN);
    keys.revoke(admin.key().id());      // once another admin exists
    assertThatThrownBy(() -> keys.revoke(second.key().id())).hasMessageContaining("last active admin key");
    assertThatThrownBy(() -> keys.revoke("k000000000000")).isInstanceOf(io.stagdb.domain.error.NotFoundException.class);
  }

  @Test
  void rejectsBadNamesAndScopes() {
    assertThatThrownBy(() -> keys.issue("", ApiKey.Scope.ADMIN)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> keys.issue("x".repeat(101), ApiKey.Scope.ADMIN)).isInstanceOf(InvalidRequestException.class);
    assertThatThrownBy(() -> keys.issue("ok", null)).isInstanceOfSatisfying(InvalidRequestException.class,
        e -> assertThat(e.field()).isEqualTo("scope"));
  }
}
