package io.stagdb.domain.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagdb.domain.port.out.SecretGenerator;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every production {@link SecretGenerator} must do: distinct passwords of at least 128 random
 * bits, letters and digits only (safe in URLs, shells and connection strings). The testkit's
 * {@link CountingSecrets} is predictable on purpose and is not held to this.
 */
public abstract class SecretGeneratorContract {

  protected abstract SecretGenerator secrets();

  /** Bits of entropy one character of the generator's alphabet carries. */
  protected abstract double bitsPerCharacter();

  @Test
  void passwordsAreLongRandomAndSafeInUrls() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String password = secrets().password();
      assertThat(password).matches("[A-Za-z0-9]+");
      assertThat(password.length() * bitsPerCharacter()).as("bits of %s", password).isGreaterThanOrEqualTo(128);
      assertThat(seen.add(password)).as("repeated %s", password).isTrue();
    }
  }
}
