package io.stagdb.domain.webhook;

import io.stagdb.domain.error.InvalidRequestException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Where webhooks may go. Never to this host or what only it can reach: loopback, link-local (cloud
 * metadata at 169.254.169.254), unspecified, multicast and broadcast addresses, and the addresses
 * of this host's own interfaces; private networks (10/8, 172.16/12, 192.168/16, 100.64/10,
 * fc00::/7) only when allowed. The rule is applied when a webhook is registered, and again at each
 * delivery to the addresses actually connected to, so a name that later resolves elsewhere (DNS
 * rebinding) gains nothing.
 */
public final class WebhookTargets {
  /** Looks a host name up; replaceable in tests. */
  public interface Resolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;
  }

  private final boolean allowPrivateNetworks;
  private final Resolver resolver;
  private final Supplier<Set<InetAddress>> ownAddresses;

  public WebhookTargets(boolean allowPrivateNetworks, Resolver resolver, Supplier<Set<InetAddress>> ownAddresses) {
    this.allowPrivateNetworks = allowPrivateNetworks;
    this.resolver = resolver;
    this.ownAddresses = ownAddresses;
  }

  /** The system's DNS and this host's interface addresses. */
  public static WebhookTargets system(boolean allowPrivateNetworks) {
    return new WebhookTargets(allowPrivateNetworks, host -> List.of(InetAddress.getAllByName(host)),
        WebhookTargets::interfaceAddresses);
  }

  public boolean allowsPrivateNetworks() {
    return allowPrivateNetworks;
  }

  /**
   * Checks a target at registration: refused (a bad request naming {@code url}) when its host is, or
   * resolves to, an address webhooks may not reach. A name that does not resolve yet is accepted;
   * its deliveries are checked when they are made.
   */
  public void checkRegistration(URI url) {
    List<InetAddress> addresses;
    try {
      addresses = resolver.resolve(url.getHost());
    } catch (UnknownHostException notYet) {
      return;
    }
    for (InetAddress address : addresses) {
      String refusal = refusal(address);
      if (refusal != null) {
        throw new InvalidRequestException("url", "webhooks cannot go to " + url.getHost()
            + (url.getHost().equals(address.getHostAddress()) ? "" : " (" + address.getHostAddress() + ")")
            + ": it is " + refusal);
      }
    }
  }

  /**
   * The addresses a delivery to {@code host} may connect to, from a fresh lookup: the lookup's
   * addresses that are allowed. Fails with the reason when none is.
   */
  public List<InetAddress> deliverable(String host) throws UnknownHostException {
    List<InetAddress> allowed = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (InetAddress address : resolver.resolve(host)) {
      String refusal = refusal(address);
      if (refusal == null) {
        allowed.add(address);
      } else {
        refused.add(address.getHostAddress() + " is " + refusal);
      }
    }
    if (allowed.isEmpty()) {
      throw new UnknownHostException("webhooks cannot go to " + host + ": " + String.join(", ", refused));
    }
    return allowed;
  }

  /** Why webhooks may not reach {@code address}, or {@code null} when they may. */
  public String refusal(InetAddress address) {
    if (address.isAnyLocalAddress() || isZeroNetwork(address)) {
      return "an unspecified address";
    }
    if (address.isLoopbackAddress()) {
      return "a loopback address (this host)";
    }
    if (address.isLinkLocalAddress()) {
      return "a link-local address (e.g. a cloud metadata service)";
    }
    if (address.isMulticastAddress() || isBroadcast(address)) {
      return "a multicast or broadcast address";
    }
    if (ownAddresses.get().contains(address)) {
      return "an address of this host";
    }
    if (!allowPrivateNetworks && isPrivate(address)) {
      return "a private network address (webhooks.allowPrivateNetworks is false)";
    }
    return null;
  }

  private static boolean isZeroNetwork(InetAddress address) {
    return address instanceof Inet4Address && address.getAddress()[0] == 0;
  }

  private static boolean isBroadcast(InetAddress address) {
    byte[] b = address.getAddress();
    return address instanceof Inet4Address && (b[0] & b[1] & b[2] & b[3] & 0xff) == 0xff;
  }

  /** RFC 1918, RFC 6598 (shared, carrier-grade NAT) and unique-local IPv6. */
  static boolean isPrivate(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return first == 10 || (first == 172 && second >= 16 && second <= 31) || (first == 192 && second == 168)
          || (first == 100 && second >= 64 && second <= 127);
    }
    return address instanceof Inet6Address && ((b[0] & 0xfe) == 0xfc || address.isSiteLocalAddress());
  }

  /** Every address of this host's interfaces, looked up each time (interfaces come and go). */
  static Set<InetAddress> interfaceAddresses() {
    Set<InetAddress> addresses = new HashSet<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        addresses.addAll(Collections.list(nic.getInetAddresses()));
      }
    } catch (SocketException e) {
      // no interface list: the other checks still apply
    }
    return addresses;
  }
}
