package io.stagdb.domain.testkit;

import io.stagdb.domain.webhook.WebhookTargets;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Name lookups for webhook tests: names map to addresses the test sets (and may change, as DNS rebinding does). */
public final class FakeDns implements WebhookTargets.Resolver {
  private final Map<String, String> names = new ConcurrentHashMap<>();

  /** {@code *.example.test} resolves to a documentation address (TEST-NET-3), which is public. */
  public FakeDns() {
  }

  public FakeDns point(String host, String address) {
    names.put(host, address);
    return this;
  }

  @Override
  public List<InetAddress> resolve(String host) throws UnknownHostException {
    String address = names.get(host);
    if (address == null && host.endsWith(".example.test")) {
      address = "203.0.113.10";
    }
    if (address == null) {
      if (host.matches("[0-9.]+|.*:.*")) {
        return List.of(InetAddress.getByName(host));   // a literal address
      }
      throw new UnknownHostException(host);
    }
    return List.of(InetAddress.getByName(address));
  }

  /** Targets with this DNS, private networks allowed, and {@code 198.51.100.1} as this host's own address. */
  public WebhookTargets targets() {
    return targets(true);
  }

  public WebhookTargets targets(boolean allowPrivate) {
    return new WebhookTargets(allowPrivate, this, () -> {
      try {
        return Set.of(InetAddress.getByName("198.51.100.1"));
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    });
  }
}
