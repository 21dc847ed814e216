package io.stagdb.docker;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoCredential;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.model.Credentials;
import io.stagdb.domain.port.out.DatabaseRuntime;
import io.stagdb.domain.port.out.EngineStats;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * MongoDB through the official driver: logins as the root user on {@code admin}, password changes
 * with {@code updateUser}, scripts as JSON commands, quiescing with {@code fsync}+lock, and the
 * one-member replica set {@value #REPLICA_SET} initiated on first start when enabled.
 *
 * <p>Not run on stagDB's own test machines (no MongoDB server binary can be had there); its
 * container spec is unit-tested.
 */
final class MongoEngineClient implements EngineClient {
  static final String REPLICA_SET = "rs0";
  /** The replica-set key file, kept in the data directory so branches carry it. */
  static final String KEY_FILE = ".stagdb-keyfile";
  private static final int NOT_YET_INITIALIZED = 94;

  MongoClient connect(Endpoint endpoint, Credentials credentials, Duration timeout) {
    MongoClientSettings settings = MongoClientSettings.builder()
        .applyConnectionString(new ConnectionString("mongodb://" + endpoint.host() + ":" + endpoint.port()
            + "/?directConnection=true"))
        .credential(MongoCredential.createCredential(credentials.username(), "admin", credentials.password().toCharArray()))
        .applyToClusterSettings(b -> b.serverSelectionTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS))
        .applyToSocketSettings(b -> b.connectTimeout((int) timeout.toMillis(), TimeUnit.MILLISECONDS))
        .build();
    return MongoClients.create(settings);
  }

  @Override
  public void login(Endpoint endpoint, Credentials credentials, Duration timeout) throws NotYet, Refused {
    try (MongoClient client = connect(endpoint, credentials, timeout)) {
      client.getDatabase("admin").runCommand(new Document("ping", 1));
      initiateReplicaSetIfNeeded(client);
    } catch (MongoSecurityException e) {
      throw new Refused("login of " + credentials.username() + " refused: " + e.getMessage());
    } catch (MongoException e) {
      throw new NotYet(e.getMessage());
    }
  }

  /** A replica-set member that was never initiated answers code 94; initiate it as its only member. */
  private static void initiateReplicaSetIfNeeded(MongoClient client) {
    try {
      client.getDatabase("admin").runCommand(new Document("replSetGetStatus", 1));
    } catch (MongoCommandException e) {
      if (e.getErrorCode() == NOT_YET_INITIALIZED) {
        client.getDatabase("admin").runCommand(new Document("replSetInitiate", new Document("_id", REPLICA_SET)
            .append("members", List.of(new Document("_id", 0).append("host", "localhost:27017")))));
      }
      // any other answer (e.g. "not running with --replSet") means there is nothing to initiate
    }
  }

  @Override
  public void rotatePassword(Endpoint endpoint, Credentials current, String newPassword) {
    command(endpoint, current, "admin", new Document("updateUser", current.username()).append("pwd", newPassword),
        "changing the password");
  }

  @Override
  public void runScripts(Endpoint endpoint, Credentials credentials, List<String> scripts) {
    for (int i = 0; i < scripts.size(); i++) {
      Document command;
      try {
        command = Document.parse(scripts.get(i));
      } catch (RuntimeException e) {
        throw new InvalidRequestException("config.initScripts[" + i + "]",
            "MongoDB scripts are JSON commands, e.g. {\"create\": \"orders\"}");
      }
      command(endpoint, credentials, credentials.database(), command, "init script " + i);
    }
  }

  @Override
  public DatabaseRuntime.Quiesced quiesce(Endpoint endpoint, Credentials credentials) {
    command(endpoint, credentials, "admin", new Document("fsync", 1).append("lock", true), "fsyncLock");
    return () -> command(endpoint, credentials, "admin", new Document("fsyncUnlock", 1), "fsyncUnlock");
  }

  @Override
  public EngineStats stats(Endpoint endpoint, Credentials credentials) {
    try (MongoClient client = connect(endpoint, credentials, Duration.ofSeconds(10))) {
      long size = 0;
      for (String name : client.listDatabaseNames()) {
        Number bytes = client.getDatabase(name).runCommand(new Document("dbStats", 1)).get("storageSize", Number.class);
        size += bytes == null ? 0 : bytes.longValue();
      }
      Document status = client.getDatabase("admin").runCommand(new Document("serverStatus", 1));
      Number current = status.get("connections", Document.class).get("current", Number.class);
      return new EngineStats(size, current == null ? 0 : current.intValue());
    } catch (MongoException e) {
      throw new InfrastructureException("cannot read engine stats: " + e.getMessage(), e);
    }
  }

  private void command(Endpoint endpoint, Credentials credentials, String database, Document command, String what) {
    try (MongoClient client = connect(endpoint, credentials, Duration.ofSeconds(10))) {
      client.getDatabase(database).runCommand(command);
    } catch (MongoException e) {
      throw new InfrastructureException(what + " failed: " + e.getMessage(), e);
    }
  }
}
