package io.stagdb.http;

import java.util.Objects;

/**
 * Settings of the REST API.
 *
 * @param publicHost         the host name put in connection info and URLs
 * @param requestsPerSecond  sustained requests per second per API key
 * @param burst              requests per key that may come at once
 * @param failedAuthPerMinute failed authentications per client address before it is throttled
 * @param maxBodyBytes       largest accepted request body (413 above)
 * @param version            reported by {@code /healthz}
 * @param shutdownTimeout    how long in-flight requests may run when the API stops
 */
public record ApiSettings(String publicHost, long requestsPerSecond, long burst, long failedAuthPerMinute,
                          long maxBodyBytes, String version, java.time.Duration shutdownTimeout) {

  public ApiSettings {
    Objects.requireNonNull(publicHost, "publicHost");
    if (requestsPerSecond < 1 || burst < 1 || failedAuthPerMinute < 1 || maxBodyBytes < 1024) {
      throw new IllegalArgumentException("rate limits must be positive and the body limit at least 1 KiB");
    }
  }

  public static ApiSettings defaults(String publicHost) {
    return new ApiSettings(publicHost, 50, 100, 20, 1 << 20, "dev", java.time.Duration.ofSeconds(30));
  }

  public ApiSettings withRate(long perSecond, long burstSize) {
    return new ApiSettings(publicHost, perSecond, burstSize, failedAuthPerMinute, maxBodyBytes, version, shutdownTimeout);
  }
}
