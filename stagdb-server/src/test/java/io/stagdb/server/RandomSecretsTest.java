package io.stagdb.server;

import io.stagdb.domain.port.out.SecretGenerator;
import io.stagdb.domain.testkit.SecretGeneratorContract;

class RandomSecretsTest extends SecretGeneratorContract {
  private final RandomSecrets secrets = new RandomSecrets();

  @Override
  protected SecretGenerator secrets() {
    return secrets;
  }

  @Override
  protected double bitsPerCharacter() {
    return Math.log(57) / Math.log(2);   // the 57-character alphabet without look-alikes
  }
}
