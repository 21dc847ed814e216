package io.stagdb.docker;

import com.github.dockerjava.api.DockerClient;
import io.stagdb.domain.error.ConflictException;
import io.stagdb.domain.error.NotFoundException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance's bridge network, created once: inter-container communication is off on it, so
 * databases cannot reach each other, while their published ports still serve clients. (One network
 * per database would run out of Docker's address pools after about thirty.)
 */
final class IsolatedNetwork {
  private static final Logger LOG = LoggerFactory.getLogger(IsolatedNetwork.class);

  private final DockerClient docker;
  private final String name;
  private final Map<String, String> labels;
  private volatile boolean known;

  IsolatedNetwork(DockerClient docker, String name, Map<String, String> labels) {
    this.docker = docker;
    this.name = name;
    this.labels = Map.copyOf(labels);
  }

  /** The network's name, created if it is missing (checked once; a container start that misses it says so). */
  String ensure() {
    if (known) {
      return name;
    }
    try {
      DockerErrors.call("inspect network " + name, () -> docker.inspectNetworkCmd().withNetworkId(name).exec());
      known = true;
      return name;
    } catch (NotFoundException missing) {
      // create it below
    }
    try {
      DockerErrors.call("create network " + name, () -> docker.createNetworkCmd().withName(name).withDriver("bridge")
          .withLabels(labels).withOptions(Map.of("com.docker.network.bridge.enable_icc", "false")).exec());
      LOG.info("created network {} (no traffic between databases)", name);
    } catch (ConflictException createdMeanwhile) {
      // another stagDB call created it first
    }
    known = true;
    return name;
  }

  /** After Docker said the network is gone (an engine restart, a prune): look again next time. */
  void forget() {
    known = false;
  }
}
