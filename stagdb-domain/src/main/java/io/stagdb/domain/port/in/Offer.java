package io.stagdb.domain.port.in;

import io.stagdb.domain.model.EngineImage;
import io.stagdb.domain.model.ResourcePolicy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What this server offers a new database: every supported engine version with its image, the
 * resources a request may ask for (and gets when it names none) and the longest TTL.
 */
public record Offer(List<EngineImage> engines, ResourcePolicy resources, Duration maxTtl) {
  public Offer {
    engines = List.copyOf(engines);
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(maxTtl, "maxTtl");
  }
}
