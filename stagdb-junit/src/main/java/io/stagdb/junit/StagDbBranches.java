package io.stagdb.junit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The class-scoped branches of running test classes, for code that has no parameter to receive
 * them, such as Spring's static {@code @DynamicPropertySource} methods; and leases of branches for
 * holders that are not a test, such as stagdb-spring's test contexts.
 */
public final class StagDbBranches {
  private static final Map<String, Branch> BY_CLASS = new ConcurrentHashMap<>();

  private StagDbBranches() {
  }

  /** The class-scoped branch of {@code testClass} (the only one, or the one without a name). */
  public static Branch of(Class<?> testClass) {
    return named(testClass, "");
  }

  /** The class-scoped branch called {@code name} of {@code testClass}. */
  public static Branch named(Class<?> testClass, String name) {
    Branch branch = BY_CLASS.get(key(testClass, name));
    if (branch == null) {
      throw new IllegalStateException("no class-scoped @StagDbBranch" + (name.isEmpty() ? "" : " named '" + name + "'")
          + " is active for " + testClass.getName() + " (use scope = StagDbBranch.Scope.CLASS)");
    }
    return branch;
  }

  /**
   * A branch for {@code annotation}, from the run's pool for its source, held until the lease is
   * closed. The settings are read as the extension reads them (system properties,
   * {@code junit-platform.properties}, the environment).
   */
  public static BranchLease lease(StagDbBranch annotation) {
    Session session = Session.shared(key -> null);
    BranchPool pool = session.pool(annotation);
    return new BranchLease(pool.take(), pool);
  }

  static void register(Class<?> testClass, String name, Branch branch) {
    BY_CLASS.put(key(testClass, name), branch);
  }

  static void unregister(Class<?> testClass, String name) {
    BY_CLASS.remove(key(testClass, name));
  }

  private static String key(Class<?> testClass, String name) {
    return testClass.getName() + "#" + name;
  }
}
