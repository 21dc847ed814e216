package io.stagdb.junit;

import io.stagdb.junit.StagDbBranch.Scope;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link StagDbBranch}. It keeps no state of its own: the run's
 * {@link Session} lives in the root store, and each test's or class's branches in that context's
 * store, so it is safe under parallel execution.
 */
public final class StagDbExtension implements ExecutionCondition, BeforeAllCallback, AfterAllCallback,
    BeforeEachCallback, AfterEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(StagDbExtension.class);
  private static final String SESSION = "session";
  private static final String BRANCHES = "branches";
  /** Whether stagdb-spring is on the class path, to hand scope CONTEXT to. */
  private static final java.util.function.Supplier<Boolean> SPRING = () -> {
    try {
      Class.forName("io.stagdb.spring.StagDbContextCustomizerFactory", false, StagDbExtension.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  };

  /**
   * The branches one context acquired, by {@link StagDbBranch#name()}; given back to their pools
   * (recycled for the next test) when it closes, or kept for a failed test that asked to.
   */
  @SuppressWarnings("deprecation")   // CloseableResource, for JUnit before 5.13; AutoCloseable for later ones
  static final class Acquired implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    final Map<String, Branch> byName = new LinkedHashMap<>();
    final Map<String, StagDbBranch> annotations = new LinkedHashMap<>();
    final Map<String, BranchPool> pools = new LinkedHashMap<>();
    boolean keep;

    @Override
    public synchronized void close() {
      byName.forEach((name, branch) -> pools.get(name).giveBack(branch, keep));
      byName.clear();
    }
  }

  // ---- whether the tests run at all ----

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    List<StagDbBranch> annotations = annotationsOf(context);
    if (annotations.isEmpty()) {
      return ConditionEvaluationResult.enabled("no @StagDbBranch here");
    }
    Session session = session(context);
    for (StagDbBranch annotation : annotations) {
      if (annotation.scope() == Scope.CONTEXT && !SPRING.get()) {
        throw new ExtensionConfigurationException("@StagDbBranch(scope = CONTEXT) gives a Spring test context its"
            + " branch and needs io.stagdb:stagdb-spring on the test class path");
      }
      try {
        session.backend(session.mode(annotation));
      } catch (RemoteBackend.BadKey | Session.Misconfigured wrong) {
        throw new ExtensionConfigurationException(wrong.getMessage(), wrong);
      } catch (IllegalStateException unreachable) {
        if (session.required()) {
          throw new ExtensionConfigurationException(unreachable.getMessage() + " [stagdb.required=true]", unreachable);
        }
        return ConditionEvaluationResult.disabled(unreachable.getMessage()
            + " (set stagdb.url and stagdb.apiKey, or stagdb.mode=embedded; stagdb.required=true makes this a failure)");
      }
    }
    return ConditionEvaluationResult.enabled("stagDB is reachable");
  }

  // ---- lifecycle ----

  @Override
  public void beforeAll(ExtensionContext context) {
    List<StagDbBranch> classScoped = classAnnotations(context).stream().filter(a -> a.scope() == Scope.CLASS).toList();
    if (!classScoped.isEmpty()) {
      Acquired acquired = acquire(context, classScoped);
      acquired.byName.forEach((name, branch) -> StagDbBranches.register(context.getRequiredTestClass(), name, branch));
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IllegalAccessException {
    List<StagDbBranch> methodScoped = new ArrayList<>(classAnnotations(context).stream()
        .filter(a -> a.scope() == Scope.METHOD).toList());
    methodScoped.addAll(AnnotationSupport.findRepeatableAnnotations(context.getRequiredTestMethod(), StagDbBranch.class));
    if (!methodScoped.isEmpty()) {
      acquire(context, methodScoped);
    }
    injectFields(context);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    release(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Acquired acquired = local(context);
    if (acquired != null) {
      acquired.byName.keySet().forEach(name -> StagDbBranches.unregister(context.getRequiredTestClass(), name));
    }
    release(context);
  }

  private Acquired acquire(ExtensionContext context, List<StagDbBranch> annotations) {
    Session session = session(context);
    Acquired acquired = new Acquired();
    context.getStore(NAMESPACE).put(BRANCHES, acquired);   // closed by JUnit even if acquiring fails half-way
    for (StagDbBranch annotation : annotations) {
      if (acquired.byName.containsKey(annotation.name())) {
        throw new ExtensionConfigurationException("two @StagDbBranch named '" + annotation.name() + "' on "
            + context.getDisplayName() + "; give each a distinct name");
      }
      acquired.annotations.put(annotation.name(), annotation);
      BranchPool pool = session.pool(annotation);
      acquired.pools.put(annotation.name(), pool);
      long started = System.nanoTime();
      Branch branch = pool.take();
      acquired.byName.put(annotation.name(), branch);
      long micros = (System.nanoTime() - started) / 1000;
      context.publishReportEntry("stagdb.acquireMicros", Long.toString(micros));
      if (Boolean.parseBoolean(session.setting("stagdb.verbose", "false"))) {
        System.out.printf(java.util.Locale.ROOT, "stagDB: %s got %s in %.1f ms%n", context.getDisplayName(), branch.name(),
            micros / 1000.0);
      }
    }
    return acquired;
  }

  /** Gives the context's own branches back for recycling, or keeps a failed test's when it asked to and says where they are. */
  private static void release(ExtensionContext context) {
    Acquired acquired = local(context);
    if (acquired == null) {
      return;
    }
    context.getStore(NAMESPACE).remove(BRANCHES);
    boolean failed = context.getExecutionException().isPresent();
    if (failed && acquired.annotations.values().stream().anyMatch(StagDbBranch::keepOnFailure)) {
      acquired.keep = true;
      acquired.byName.values().forEach(b -> {
        String where = "stagDB kept branch " + b.name() + " of the failed " + context.getDisplayName() + ": "
            + (b.jdbcUrl() == null ? b.host() + ":" + b.port() : b.jdbcUrl()) + " (user " + b.username() + ")";
        context.publishReportEntry("stagdb.keptBranch", where);
        System.err.println(where);
      });
    }
    acquired.close();
  }

  /** This context's own branches (a store lookup would also find the parent's). */
  private static Acquired local(ExtensionContext context) {
    Acquired own = context.getStore(NAMESPACE).get(BRANCHES, Acquired.class);
    Acquired parents = context.getParent().map(p -> p.getStore(NAMESPACE).get(BRANCHES, Acquired.class)).orElse(null);
    return own == parents ? null : own;
  }

  // ---- injection ----

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext context) {
    Class<?> type = p.getParameter().getType();
    return type == Branch.class || type == DataSource.class || (type == String.class && p.isAnnotated(JdbcUrl.class));
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext context) {
    Parameter parameter = p.getParameter();
    String name = p.findAnnotation(JdbcUrl.class).map(JdbcUrl::value)
        .or(() -> p.findAnnotation(StagDbInject.class).map(StagDbInject::value)).orElse("");
    Branch branch = find(context, name).orElseThrow(() -> new ParameterResolutionException("no @StagDbBranch"
        + (name.isEmpty() ? "" : " named '" + name + "'") + " for parameter " + parameter.getName() + " of "
        + context.getDisplayName()));
    return value(parameter.getType(), branch);
  }

  private void injectFields(ExtensionContext context) throws IllegalAccessException {
    Object instance = context.getRequiredTestInstance();
    for (Class<?> c = instance.getClass(); c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        Optional<String> name = Optional.ofNullable(field.getAnnotation(StagDbInject.class)).map(StagDbInject::value)
            .or(() -> Optional.ofNullable(field.getAnnotation(JdbcUrl.class)).map(JdbcUrl::value));
        if (name.isEmpty() || Modifier.isStatic(field.getModifiers())) {
          continue;
        }
        Optional<Branch> branch = find(context, name.get());
        if (branch.isPresent()) {   // a field naming a branch only some tests declare stays unset in the others
          field.setAccessible(true);
          field.set(instance, value(field.getType(), branch.get()));
        }
      }
    }
  }

  private static Object value(Class<?> type, Branch branch) {
    if (type == Branch.class) {
      return branch;
    }
    if (type == String.class) {
      return branch.jdbcUrl();
    }
    if (type == DataSource.class) {
      return BranchDataSource.of(branch);
    }
    throw new ExtensionConfigurationException("stagDB injects Branch, DataSource or @JdbcUrl String, not " + type.getName());
  }

  /** The branch called {@code name}: the method's own, else its class's (scope CLASS). */
  private static Optional<Branch> find(ExtensionContext context, String name) {
    for (Optional<ExtensionContext> c = Optional.of(context); c.isPresent(); c = c.get().getParent()) {
      Acquired acquired = c.get().getStore(NAMESPACE).get(BRANCHES, Acquired.class);
      if (acquired != null && acquired.byName.containsKey(name)) {
        return Optional.of(acquired.byName.get(name));
      }
    }
    return Optional.empty();
  }

  // ---- helpers ----

  private static Session session(ExtensionContext context) {
    // the run's hold on its session (shared with the Spring contexts it makes), let go when the run ends
    return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(SESSION,
        k -> new Session.Hold(Session.hold(key -> context.getConfigurationParameter(key).orElse(null))),
        Session.Hold.class).session;
  }

  private static List<StagDbBranch> classAnnotations(ExtensionContext context) {
    return context.getTestClass()
        .map(c -> AnnotationSupport.findRepeatableAnnotations(c, StagDbBranch.class)).orElse(List.of());
  }

  private static List<StagDbBranch> annotationsOf(ExtensionContext context) {
    List<StagDbBranch> all = new ArrayList<>(classAnnotations(context));
    context.getTestMethod().ifPresent(m -> all.addAll(AnnotationSupport.findRepeatableAnnotations(m, StagDbBranch.class)));
    return all;
  }
}
