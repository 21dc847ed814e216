package io.stagdb.domain.port.in;

import io.stagdb.domain.model.DatabaseName;
import io.stagdb.domain.model.ResourceRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A request to branch a database or snapshot into a new writable database.
 *
 * @param resources overrides of the source's resources; unset fields keep the source's
 * @param ttl       delete the branch after this long, or {@code null} to keep it
 * @param labels    e.g. the test session that owns it
 * @param recyclable keep a recycle point, so that {@link StagDb#recycle} can put the branch back to
 *                  its origin's data in place (a pool of test branches wants this)
 */
public record CreateBranch(DatabaseName name, ResourceRequest resources, Integer port, Duration ttl,
                           Map<String, String> labels, boolean recyclable) {

  public CreateBranch {
    Objects.requireNonNull(name, "name");
    resources = resources == null ? ResourceRequest.DEFAULTS : resources;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public CreateBranch(DatabaseName name, ResourceRequest resources, Integer port, Duration ttl,
                      Map<String, String> labels) {
    this(name, resources, port, ttl, labels, false);
  }

  public static CreateBranch named(DatabaseName name) {
    return new CreateBranch(name, null, null, null, null, false);
  }

  /** The same request, recyclable. */
  public CreateBranch asRecyclable() {
    return new CreateBranch(name, resources, port, ttl, labels, true);
  }
}
