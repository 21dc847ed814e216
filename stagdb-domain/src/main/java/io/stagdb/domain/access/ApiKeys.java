package io.stagdb.domain.access;

import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.error.NotFoundException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issues and checks API keys. A token reads {@code stagdb_<id>_<secret>}: a recognisable prefix,
 * a public id to find the key by, and 256 random bits, of which only a SHA-256 is stored and
 * which is compared in constant time. The token is shown once, when issued.
 */
public final class ApiKeys {
  public static final String PREFIX = "stagdb_";
  private static final Pattern TOKEN = Pattern.compile("stagdb_(k[0-9a-f]{12})_([A-Za-z0-9_-]{43})");
  private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._@-]{1,100}");

  private final ApiKeyStore store;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public ApiKeys(ApiKeyStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** A new key and its token, which is not kept anywhere: hand it over now. */
  public record Issued(ApiKey key, String token) {
    @Override
    public String toString() {
      return "Issued[" + key + "]";
    }
  }

  public Issued issue(String name, ApiKey.Scope scope) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidRequestException("name", "1-100 letters, digits, spaces or . _ @ -");
    }
    if (scope == null) {
      throw new InvalidRequestException("scope", "must be admin, standard or metrics");
    }
    byte[] id = new byte[6];
    byte[] secret = new byte[32];
    random.nextBytes(id);
    random.nextBytes(secret);
    String keyId = "k" + HexFormat.of().formatHex(id);
    String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    ApiKey key = new ApiKey(keyId, name, scope, sha256(secretText), clock.instant(), null);
    store.insert(key);
    return new Issued(key, PREFIX + keyId + "_" + secretText);
  }

  /** The active key a token belongs to, or empty for anything else (malformed, unknown, wrong, revoked). */
  public Optional<ApiKey> authenticate(String token) {
    if (token == null) {
      return Optional.empty();
    }
    Matcher m = TOKEN.matcher(token);
    if (!m.matches()) {
      return Optional.empty();
    }
    Optional<ApiKey> key = store.find(m.group(1));
    byte[] presented = sha256(m.group(2)).getBytes(StandardCharsets.US_ASCII);
    // compare even when the id is unknown, so timing does not tell ids apart
    byte[] expected = key.map(k -> k.secretHash().getBytes(StandardCharsets.US_ASCII)).orElse(new byte[presented.length]);
    boolean equal = MessageDigest.isEqual(presented, expected);
    return key.filter(k -> equal && k.active());
  }

  public List<ApiKey> list() {
    return store.list();
  }

  public ApiKey get(String id) {
    return store.find(id).orElseThrow(() -> new NotFoundException("api key", id));
  }

  /** Revokes a key; refused for the last active admin key, which would lock every administrator out. */
  public synchronized void revoke(String id) {
    ApiKey target = get(id);
    boolean otherAdmin = store.list().stream()
        .anyMatch(k -> k.active() && k.scope() == ApiKey.Scope.ADMIN && !k.id().equals(target.id()));
    if (target.active() && target.scope() == ApiKey.Scope.ADMIN && !otherAdmin) {
      throw new io.stagdb.domain.error.ConflictException(io.stagdb.domain.error.ConflictException.Reason.INVALID_STATE,
          "refusing to revoke the last active admin key; create another admin key first");
    }
    store.revoke(target.id(), clock.instant());
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
