package io.stagdb.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.PullResponseItem;
import io.stagdb.domain.error.InfrastructureException;
import io.stagdb.domain.error.NotFoundException;
import io.stagdb.domain.model.Engine;
import io.stagdb.domain.model.EngineImage;
import io.stagdb.domain.model.EngineVersion;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The engine images: which one an engine version runs (official, or overridden), present or pulled with progress. */
final class EngineImages {
  private static final Logger LOG = LoggerFactory.getLogger(EngineImages.class);

  private final DockerClient docker;
  private final Map<String, String> overrides;
  private final boolean pull;
  /** Images seen on this host; an image is not removed under a running stagDB, so it is looked up once. */
  private final Set<String> present = ConcurrentHashMap.newKeySet();

  EngineImages(DockerClient docker, Map<String, String> overrides, boolean pull) {
    this.docker = docker;
    this.overrides = overrides;
    this.pull = pull;
  }

  EngineProfile profile(EngineVersion engine) {
    return EngineProfile.of(engine, overrides.get(engine.engine().id() + "." + engine.version()));
  }

  /** Makes sure the profile's image is here, pulling it (when allowed) with its progress logged. */
  void ensure(EngineProfile profile) {
    if (isHere(profile.image())) {
      return;
    }
    if (!pull) {
      throw new InfrastructureException("image " + profile.image() + " is not on this host and pulling is off;"
          + " load it, or point " + profile.imageKey() + " at an image that is");
    }
    LOG.info("pulling {} (not on this host yet)", profile.image());
    try {
      docker.pullImageCmd(profile.image()).exec(new ResultCallback.Adapter<PullResponseItem>() {
        @Override
        public void onNext(PullResponseItem item) {
          if (item.getStatus() != null && item.getProgressDetail() == null) {
            LOG.info("pull {}: {}{}", profile.image(), item.getStatus(), item.getId() == null ? "" : " " + item.getId());
          }
        }
      }).awaitCompletion(30, TimeUnit.MINUTES);
    } catch (RuntimeException e) {
      throw new InfrastructureException("cannot pull image " + profile.image() + " (" + e.getMessage()
          + "); make it available on this host, or set " + profile.imageKey() + " to an image that is", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InfrastructureException("interrupted while pulling " + profile.image(), e);
    }
    present.add(profile.image());
  }

  /** Every supported engine version's image (after overrides); available when on this host or pulling is on. */
  List<EngineImage> all() {
    List<EngineImage> all = new ArrayList<>();
    for (Engine engine : Engine.values()) {
      for (String version : engine.versions()) {
        EngineProfile profile = profile(new EngineVersion(engine, version));
        all.add(new EngineImage(profile.engine(), profile.image(), pull || isHere(profile.image())));
      }
    }
    return all;
  }

  /** The images of {@code engines} (after overrides) that are not on this host, e.g. for {@code doctor}. */
  List<String> missing(Collection<EngineVersion> engines) {
    List<String> missing = new ArrayList<>();
    for (EngineVersion engine : engines) {
      EngineProfile profile = profile(engine);
      if (!exists(profile.image())) {
        missing.add(profile.image() + " (" + profile.imageKey() + ")");
      }
    }
    return missing;
  }

  /** On this host: seen before, or found now (and remembered). */
  private boolean isHere(String image) {
    if (present.contains(image)) {
      return true;
    }
    if (exists(image)) {
      present.add(image);
      return true;
    }
    return false;
  }

  private boolean exists(String image) {
    try {
      DockerErrors.call("inspect image " + image, () -> docker.inspectImageCmd(image).exec());
      return true;
    } catch (NotFoundException absent) {
      return false;
    }
  }
}
