package io.stagdb.domain.testkit;

import io.stagdb.domain.port.out.SecretGenerator;
import java.util.concurrent.atomic.AtomicInteger;

/** Predictable, distinct passwords for tests: {@code secret1}, {@code secret2}, ... */
public final class CountingSecrets implements SecretGenerator {
  private final AtomicInteger next = new AtomicInteger();

  @Override
  public String password() {
    return "secret" + next.incrementAndGet();
  }
}
