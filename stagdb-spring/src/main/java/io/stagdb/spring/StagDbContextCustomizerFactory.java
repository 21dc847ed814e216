package io.stagdb.spring;

import io.stagdb.junit.StagDbBranch;
import java.util.List;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;

/**
 * Finds {@code @StagDbBranch(scope = CONTEXT)} on a Spring test class, its superclasses, enclosing
 * classes and meta-annotations (a team's own {@code @IntegrationTest}), and gives the test context a
 * branch as its DataSource. Registered in {@code META-INF/spring.factories}, so adding the artifact
 * is all it takes.
 */
public final class StagDbContextCustomizerFactory implements ContextCustomizerFactory {

  @Override
  public ContextCustomizer createContextCustomizer(Class<?> testClass, List<ContextConfigurationAttributes> configs) {
    List<StagDbBranch> contextScoped = MergedAnnotations.from(testClass, MergedAnnotations.SearchStrategy.TYPE_HIERARCHY)
        .stream(StagDbBranch.class).map(MergedAnnotation::synthesize)
        .filter(a -> a.scope() == StagDbBranch.Scope.CONTEXT).toList();
    if (contextScoped.isEmpty() && testClass.getEnclosingClass() != null) {
      return createContextCustomizer(testClass.getEnclosingClass(), configs);   // @Nested tests share their outer class's
    }
    if (contextScoped.isEmpty()) {
      return null;
    }
    if (contextScoped.size() > 1) {
      throw new IllegalStateException(testClass.getName() + " has " + contextScoped.size()
          + " @StagDbBranch(scope = CONTEXT); a Spring context has one DataSource: keep one");
    }
    return new StagDbContextCustomizer(contextScoped.get(0));
  }
}
