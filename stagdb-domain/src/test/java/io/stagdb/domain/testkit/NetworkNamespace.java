package io.stagdb.domain.testkit;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Another network host for tests that must not talk to this one (webhook receivers: stagDB refuses
 * to deliver to the host itself): a network namespace of this test run, joined to the host by a
 * veth pair on a /30 of 10.231.0.0/16. Named after the run, so a killed run's are swept.
 */
public final class NetworkNamespace implements AutoCloseable {
  private final String name;
  private final String hostAddress;
  private final String address;
  private final String hostSide;
  private final List<Process> processes = new ArrayList<>();

  private NetworkNamespace(String name, String hostAddress, String address, String hostSide) {
    this.name = name;
    this.hostAddress = hostAddress;
    this.address = address;
    this.hostSide = hostSide;
  }

  /** A new namespace for one purpose of this run; fails the test when it cannot be made. */
  public static NetworkNamespace create(String purpose) {
    TestHost.require(TestHost.exec(List.of("ip", "netns", "list")).ok(), "network namespaces (ip netns, as root)");
    for (int attempt = 1; ; attempt++) {
      try {
        return tryCreate(TestHost.runId() + "-" + purpose);
      } catch (IllegalStateException taken) {   // a subnet another run holds: pick another
        if (attempt == 5) {
          throw taken;
        }
      }
    }
  }

  private static NetworkNamespace tryCreate(String name) {
    byte[] random = new byte[2];
    new SecureRandom().nextBytes(random);
    int subnet = random[0] & 0xff;
    int slot = (random[1] & 0x3f) * 4;   // a /30: .slot network, .slot+1 host side, .slot+2 namespace side
    String suffix = String.format("%02x%02x", subnet, slot);
    String hostSide = "sdbh" + suffix;
    String nsSide = "sdbn" + suffix;
    String hostAddress = "10.231." + subnet + "." + (slot + 1);
    String address = "10.231." + subnet + "." + (slot + 2);
    NetworkNamespace ns = new NetworkNamespace(name, hostAddress, address, hostSide);
    try {
      run("ip", "netns", "add", name);
      run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", nsSide);
      run("ip", "link", "set", nsSide, "netns", name);
      run("ip", "addr", "add", hostAddress + "/30", "dev", hostSide);
      run("ip", "link", "set", hostSide, "up");
      run("ip", "netns", "exec", name, "ip", "addr", "add", address + "/30", "dev", nsSide);
      run("ip", "netns", "exec", name, "ip", "link", "set", nsSide, "up");
      run("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
    } catch (RuntimeException e) {
      ns.close();
      throw e;
    }
    return ns;
  }

  /** The namespace's own address, reachable from the host (and nothing of the host's). */
  public String address() {
    return address;
  }

  public String hostAddress() {
    return hostAddress;
  }

  /** Starts a command inside the namespace; it is killed when the namespace closes. */
  public Process start(List<String> command) throws IOException {
    List<String> inside = new ArrayList<>(List.of("ip", "netns", "exec", name));
    inside.addAll(command);
    Process p = new ProcessBuilder(inside).redirectErrorStream(true).start();
    processes.add(p);
    return p;
  }

  @Override
  public void close() {
    processes.forEach(Process::destroyForcibly);
    remove(name);
    TestHost.exec(List.of("ip", "link", "del", hostSide));   // gone with the namespace, unless that was never made
  }

  /** Kills what runs in a namespace and deletes it (with its veth pair). */
  static void remove(String name) {
    for (String pid : TestHost.exec(List.of("ip", "netns", "pids", name)).lines()) {
      TestHost.exec(List.of("kill", "-KILL", pid.strip()));
    }
    TestHost.exec(List.of("ip", "netns", "del", name));
  }

  /** The namespaces that exist, by name. */
  static List<String> list() {
    return TestHost.exec(List.of("ip", "netns", "list")).lines().stream().map(l -> l.split(" ")[0]).toList();
  }

  private static void run(String... command) {
    TestHost.Result r = TestHost.exec(List.of(command));
    if (!r.ok()) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + r.stderr().strip());
    }
  }
}
