package io.stagdb.docker;

import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.model.Engine;
import io.stagdb.domain.port.out.DatabaseRuntime;
import io.stagdb.domain.port.out.EngineStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Talks to a running engine in its own protocol: logins, password changes, scripts, quiescing. */
interface EngineClient {

  /** One login attempt; returns normally when the engine accepted it. */
  void login(Endpoint endpoint, Credentials credentials, Duration timeout) throws NotYet, Refused;

  /**
   * Whether the engine's own files (its data directory, on this host) say it does not accept
   * connections yet, so a login need not be tried; {@code false} when they cannot tell. A login
   * tried early costs the starting engine a process and this one a round trip.
   */
  default boolean saysNotYet(Path files) {
    return false;
  }

  void rotatePassword(Endpoint endpoint, Credentials current, String newPassword);

  void runScripts(Endpoint endpoint, Credentials credentials, List<String> scripts);

  DatabaseRuntime.Quiesced quiesce(Endpoint endpoint, Credentials credentials);

  /** Creates the extensions (PostgreSQL's; the domain refuses them for other engines). */
  default void createExtensions(Endpoint endpoint, Credentials credentials, List<String> extensions) {
    if (!extensions.isEmpty()) {
      throw new io.stagdb.domain.error.InvalidRequestException("config.extensions", "this engine has no extensions");
    }
  }

  EngineStats stats(Endpoint endpoint, Credentials credentials);

  /** Where an engine listens, as seen from stagDB. */
  record Endpoint(String host, int port) {
  }

  /** The engine is not accepting logins yet (starting, recovering, not listening). */
  final class NotYet extends Exception {
    NotYet(String message) {
      super(message, null, false, false);
    }
  }

  /** The engine answered and refused the credentials: waiting will not help. */
  final class Refused extends Exception {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  static EngineClient of(Engine engine) {
    return switch (engine) {
      case POSTGRESQL -> new PostgresEngineClient();
      case MYSQL, MARIADB -> new MySqlEngineClient();
      case MONGODB -> new MongoEngineClient();
    };
  }
}
