package io.stagdb.server;

import io.stagdb.domain.port.out.SecretGenerator;
import java.security.SecureRandom;

/** Passwords of 24 letters and digits from {@link SecureRandom} (about 143 bits), safe in URLs and shells. */
final class RandomSecrets implements SecretGenerator {
  private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();
  private final SecureRandom random = new SecureRandom();

  @Override
  public String password() {
    char[] chars = new char[24];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(chars);
  }
}
