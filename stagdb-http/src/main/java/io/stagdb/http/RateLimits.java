package io.stagdb.http;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Token buckets (Bucket4j): one per API key for requests, one per client address for failed logins. */
final class RateLimits {
  private final ApiSettings settings;
  private final ConcurrentMap<String, Bucket> perKey = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Bucket> failedAuthPerAddress = new ConcurrentHashMap<>();

  RateLimits(ApiSettings settings) {
    this.settings = settings;
  }

  /** Takes one request of {@code keyId}'s budget. */
  ConsumptionProbe request(String keyId) {
    return perKey.computeIfAbsent(keyId, k -> Bucket.builder().addLimit(Bandwidth.builder()
            .capacity(settings.burst()).refillGreedy(settings.requestsPerSecond(), Duration.ofSeconds(1)).build())
        .build()).tryConsumeAndReturnRemaining(1);
  }

  /** Whether {@code address} has failed authentication too often; seconds to wait, or 0. */
  long authBlockedFor(String address) {
    Bucket bucket = failedAuthPerAddress.get(address);
    if (bucket == null || bucket.getAvailableTokens() > 0) {
      return 0;
    }
    return Math.max(1, bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill() / 1_000_000_000L);
  }

  void authFailed(String address) {
    failedAuthPerAddress.computeIfAbsent(address, a -> Bucket.builder().addLimit(Bandwidth.builder()
            .capacity(settings.failedAuthPerMinute()).refillGreedy(settings.failedAuthPerMinute(), Duration.ofMinutes(1))
            .build()).build())
        .tryConsume(1);
  }

  long limit() {
    return settings.burst();
  }
}
