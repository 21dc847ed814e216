package io.stagdb.domain.model;

import io.stagdb.domain.error.InvalidRequestException;

/**
 * When an imported database is copied again from its source, and how many of the snapshots its
 * imports and refreshes leave are kept.
 *
 * @param schedule a cron expression ({@code "0 3 * * *"}: every night at 03:00 UTC), or {@code null}
 *                 for refreshes on request only
 * @param keep     how many of its newest import and refresh snapshots are kept (older ones go, unless
 *                 branches were made of them), at least 1
 */
public record RefreshPolicy(String schedule, int keep) {
  public static final int DEFAULT_KEEP = 3;
  public static final RefreshPolicy ON_REQUEST = new RefreshPolicy(null, DEFAULT_KEEP);

  public RefreshPolicy {
    if (keep < 1 || keep > 100) {
      throw new InvalidRequestException("source.keep", "must be 1 to 100 (got " + keep + ")");
    }
    schedule = schedule == null || schedule.isBlank() ? null : schedule.trim();
  }

  /** From API input: either may be absent. */
  public static RefreshPolicy of(String schedule, Integer keep) {
    return new RefreshPolicy(schedule, keep == null ? DEFAULT_KEEP : keep);
  }
}
