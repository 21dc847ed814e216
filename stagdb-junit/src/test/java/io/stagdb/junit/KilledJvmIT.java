package io.stagdb.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.stagdb.client.StagDbApiException;
import io.stagdb.client.StagDbClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * A test JVM killed with SIGKILL while it holds a branch leaks nothing: the branch carries a TTL,
 * and the server's reaper deletes it.
 */
class KilledJvmIT {

  /** A test that holds its branch and then waits to be killed. */
  @StagDbBranch(source = JunitTestServer.BASE)
  static class HoldsItsBranch {
    @org.junit.jupiter.api.Test
    void waitsToBeKilled(Branch branch) throws InterruptedException {
      System.out.println("BRANCH " + branch.name());
      System.out.flush();
      Thread.sleep(120_000);
    }
  }

  /** The child JVM: runs {@link HoldsItsBranch}. */
  public static final class Child {
    public static void main(String[] args) {
      EngineTestKit.engine("junit-jupiter").selectors(selectClass(HoldsItsBranch.class)).execute();
    }
  }

  @Test
  void theServersReaperDeletesTheBranchesOfAKilledJvm() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "-Dstagdb.url=" + System.getProperty("stagdb.url"), "-Dstagdb.apiKey=" + System.getProperty("stagdb.apiKey"),
        "-Dstagdb.ttl=5s", "-Dstagdb.pool.size=0", Child.class.getName()).redirectErrorStream(true).start();
    String branch = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("BRANCH ")) {
          branch = line.substring("BRANCH ".length()).trim();
          break;   // the child now sleeps; reading on would wait for it
        }
      }
      StagDbClient client = StagDbClient.create(URI.create(System.getProperty("stagdb.url")), System.getProperty("stagdb.apiKey"));
      assertThat(branch).as("the child JVM took a branch").isNotNull();
      assertThat(client.getDatabase(branch).labels()).containsKey(Session.SESSION_LABEL);
      assertThat(client.getDatabase(branch).expiresAt()).isNotNull();

      child.destroyForcibly();   // SIGKILL: no shutdown hook, no afterEach, no clean-up
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(client.getDatabase(branch).status()).as("still there right after the kill").isEqualTo("running");

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      boolean gone = false;
      while (!gone && System.nanoTime() < deadline) {
        try {
          client.getDatabase(branch);
          Thread.sleep(500);
        } catch (StagDbApiException.NotFound deleted) {
          gone = true;
        }
      }
      assertThat(gone).as("the reaper deleted %s after its TTL", branch).isTrue();
      String session = branch.substring(0, branch.lastIndexOf('-'));   // jt-<session>
      assertThat(client.listDatabases(null, null, null, 1000, 0).items()).extracting(d -> d.name())
          .as("nothing of the killed session is left").noneMatch(n -> n.startsWith(session + "-"));
    } finally {
      child.destroyForcibly();
    }
  }
}
