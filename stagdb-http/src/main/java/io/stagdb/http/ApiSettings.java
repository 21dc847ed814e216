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
 * @param maxLogStreams      followed logs ({@code logs?follow=true}) open at once (503 above)
 */
public record ApiSettings(String publicHost, long requestsPerSecond, long burst, long failedAuthPerMinute,
                          long maxBodyBytes, String version, java.time.Duration shutdownTimeout, int maxLogStreams) {
  /** Followed logs open at once unless set otherwise. */
  public static final int DEFAULT_MAX_LOG_STREAMS = 16;

  public ApiSettings {
    Objects.requireNonNull(publicHost, "publicHost");
    if (requestsPerSecond < 1 || burst < 1 || failedAuthPerMinute < 1 || maxBodyBytes < 1024 || maxLogStreams < 1) {
      throw new IllegalArgumentException(
          "rate limits and the log stream limit must be positive and the body limit at least 1 KiB");
    }
  }

  public ApiSettings(String publicHost, long requestsPerSecond, long burst, long failedAuthPerMinute,
                     long maxBodyBytes, String version, java.time.Duration shutdownTimeout) {
    this(publicHost, requestsPerSecond, burst, failedAuthPerMinute, maxBodyBytes, version, shutdownTimeout,
        DEFAULT_MAX_LOG_STREAMS);
  }

  public ApiSettings withMaxLogStreams(int streams) {
    return new ApiSettings(publicHost, requestsPerSecond, burst, failedAuthPerMinute, maxBodyBytes, version,
        shutdownTimeout, streams);
  }

  public static ApiSettings defaults(String publicHost) {
    return new ApiSettings(publicHost, 50, 100, 20, 1 << 20, "dev", java.time.Duration.ofSeconds(30));
  }

  public ApiSettings withRate(long perSecond, long burstSize) {
    return new ApiSettings(publicHost, perSecond, burstSize, failedAuthPerMinute, maxBodyBytes, version, shutdownTimeout,
        maxLogStreams);
  }
}
