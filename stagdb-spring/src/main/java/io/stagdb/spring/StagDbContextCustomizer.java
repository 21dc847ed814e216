package io.stagdb.spring;

import io.stagdb.junit.Branch;
import io.stagdb.junit.BranchLease;
import io.stagdb.junit.StagDbBranch;
import io.stagdb.junit.StagDbBranches;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Gives one Spring test context a branch: its connection goes in as the {@code spring.datasource.*}
 * properties, ahead of the application's own, so Boot's DataSource (and Flyway, Liquibase, JPA on
 * it) use the branch. The branch already holds the source's schema, so Boot's own schema scripts
 * are turned off ({@code spring.sql.init.mode=never}) unless {@code stagdb.spring.sqlInit=true}.
 * Contexts with the same annotation are the same context to Spring's cache, and share the branch;
 * when a context closes, its branch goes back to the pool, recycled in place.
 */
final class StagDbContextCustomizer implements ContextCustomizer {
  static final String PROPERTY_SOURCE = "stagdb-branch";

  private final StagDbBranch annotation;

  StagDbContextCustomizer(StagDbBranch annotation) {
    this.annotation = annotation;
  }

  @Override
  public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
    BranchLease lease = StagDbBranches.lease(annotation);
    Branch branch = lease.branch();
    if (branch.jdbcUrl() == null) {
      lease.close();
      throw new IllegalStateException("@StagDbBranch(scope = CONTEXT) gives a JDBC DataSource; " + branch.source()
          + " is " + branch.engine());
    }
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("spring.datasource.url", branch.jdbcUrl());
    properties.put("spring.datasource.username", branch.username());
    properties.put("spring.datasource.password", branch.password());
    properties.put("stagdb.branch.name", branch.name());
    properties.put("stagdb.branch.host", branch.host());
    properties.put("stagdb.branch.port", branch.port());
    if (!Boolean.parseBoolean(setting("stagdb.spring.sqlInit"))) {
      properties.put("spring.sql.init.mode", "never");
    }
    context.getEnvironment().getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, properties));
    context.getBeanFactory().registerSingleton("stagDbBranch", branch);
    context.addApplicationListener(event -> {
      if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == context) {
        lease.close();
      }
    });
  }

  private static String setting(String key) {
    String value = System.getProperty(key);
    return value != null ? value : System.getenv(key.replace('.', '_').toUpperCase(java.util.Locale.ROOT));
  }

  /** Equal for equal annotations: Spring's context cache then shares one context, and its branch, between them. */
  @Override
  public boolean equals(Object other) {
    return other instanceof StagDbContextCustomizer o && key().equals(o.key());
  }

  @Override
  public int hashCode() {
    return key().hashCode();
  }

  private String key() {
    return String.join("|", annotation.source(), annotation.name(), annotation.mode().name(), annotation.memory(),
        annotation.cpu(), annotation.storage(), Arrays.toString(annotation.migrations()));
  }

  @Override
  public String toString() {
    return "StagDbContextCustomizer[" + Objects.toString(annotation.source()) + "]";
  }
}
