package io.stagdb.domain.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.port.out.LogFollower;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A follower that records what it is handed, for assertions from the test's thread. */
public final class RecordingLogFollower implements LogFollower {
  private final StringBuffer text = new StringBuffer();
  private final CompletableFuture<String> ended = new CompletableFuture<>();

  @Override
  public void text(String chunk) {
    text.append(chunk);
  }

  @Override
  public void end(String why) {
    if (!ended.complete(why)) {
      text.append("\n!! ended twice: ").append(why);
    }
  }

  public String text() {
    return text.toString();
  }

  /** Waits until the text contains {@code marker}; fails after {@code timeout}. */
  public void awaitText(String marker, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!text().contains(marker)) {
      assertThat(System.nanoTime()).as("'%s' in the followed log, got: %s", marker, text()).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** Why the stream ended; fails when it has not ended within {@code timeout}. */
  public String awaitEnd(Duration timeout) throws Exception {
    return ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean hasEnded() {
    return ended.isDone();
  }
}
