package io.stagdb.domain.model;

import java.util.Objects;

/**
 * The image an engine version runs on this server, and whether a database of it can be created
 * now: the image is on the host, or the server may pull it.
 */
public record EngineImage(EngineVersion engine, String image, boolean available) {
  public EngineImage {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(image, "image");
  }
}
