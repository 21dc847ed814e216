package io.stagdb.domain.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagdb.domain.error.InvalidRequestException;
import io.stagdb.domain.testkit.FakeDns;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookTargetsTest {
  private final FakeDns dns = new FakeDns();

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:8080/v1/api-keys", "http://169.254.169.254/latest/meta-data/",
      "http://0.0.0.0:8080/", "http://[::1]/", "http://[fe80::1]/", "http://224.0.0.1/", "http://255.255.255.255/",
      "http://[::ffff:127.0.0.1]/", "http://198.51.100.1/hook", "http://0.1.2.3/"})
  void refusesTheHostItselfAndWhatOnlyItReaches(String url) {
    assertThatThrownBy(() -> dns.targets().checkRegistration(URI.create(url)))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("url"))
        .hasMessageContaining("webhooks cannot go to");
  }

  @Test
  void aNameIsJudgedByWhatItResolvesTo() {
    dns.point("localhost.example.test", "127.0.0.1").point("metadata.example.test", "169.254.169.254");
    assertThatThrownBy(() -> dns.targets().checkRegistration(URI.create("http://localhost.example.test/h")))
        .hasMessageContaining("(127.0.0.1)").hasMessageContaining("loopback");
    assertThatThrownBy(() -> dns.targets().checkRegistration(URI.create("https://metadata.example.test/")))
        .hasMessageContaining("link-local");
    dns.targets().checkRegistration(URI.create("https://hooks.example.test/stagdb"));   // public: fine
  }

  @Test
  void privateNetworksOnlyWhenAllowed() {
    for (String url : new String[] {"http://10.1.2.3/", "http://172.16.0.9/", "http://192.168.1.1/", "http://100.64.0.1/",
        "http://[fd00::1]/"}) {
      dns.targets(true).checkRegistration(URI.create(url));
      assertThatThrownBy(() -> dns.targets(false).checkRegistration(URI.create(url)))
          .hasMessageContaining("private network").hasMessageContaining("webhooks.allowPrivateNetworks");
    }
    dns.targets(false).checkRegistration(URI.create("http://172.32.0.1/"));   // just outside 172.16/12
  }

  @Test
  void eachDeliveryLooksTheNameUpAgainSoRebindingGainsNothing() throws UnknownHostException {
    dns.point("rebind.example.test", "203.0.113.7");
    WebhookTargets targets = dns.targets();
    targets.checkRegistration(URI.create("http://rebind.example.test/hook"));
    assertThat(targets.deliverable("rebind.example.test")).containsExactly(InetAddress.getByName("203.0.113.7"));
    dns.point("rebind.example.test", "127.0.0.1");   // the name now points at the host itself
    assertThatThrownBy(() -> targets.deliverable("rebind.example.test"))
        .isInstanceOf(UnknownHostException.class).hasMessageContaining("127.0.0.1 is a loopback address");
  }

  @Test
  void aNameThatDoesNotResolveYetIsCheckedAtDelivery() {
    dns.targets().checkRegistration(URI.create("http://not-yet.invalid/hook"));
    assertThatThrownBy(() -> dns.targets().deliverable("not-yet.invalid")).isInstanceOf(UnknownHostException.class);
  }
}
