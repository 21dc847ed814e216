package io.stagdb.domain.port.out;

/** Makes passwords for new databases and branches. */
public interface SecretGenerator {

  /** A new password of at least 128 random bits, safe in URLs and shells (letters and digits only). */
  String password();
}
