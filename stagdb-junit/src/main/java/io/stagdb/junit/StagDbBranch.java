package io.stagdb.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives each test (or each test class) its own branch of a real stagDB database: writable, isolated,
 * created in about a second whatever the source's size, and usually taken from a warm pool in a few
 * milliseconds.
 *
 * <pre>{@code
 * @StagDbBranch(source = "qa-baseline")
 * class OrderRepositoryTest {
 *   @Test
 *   void deletesAnOrder(DataSource db) throws SQLException {
 *     try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
 *       s.execute("DELETE FROM orders WHERE id = 1");      // only this test's branch changes
 *     }
 *   }
 *
 *   @Test
 *   void seesTheBaseline(@JdbcUrl String url, Branch branch) {
 *     // url: jdbc:postgresql://host:port/postgres, branch: name, host, port, user, password, database
 *   }
 * }
 * }</pre>
 *
 * <p><b>Injection.</b> Parameters of type {@link Branch} or {@link javax.sql.DataSource}, and
 * {@code String} parameters annotated {@link JdbcUrl}; fields of those types annotated
 * {@link StagDbInject} (or {@code @JdbcUrl String}). With several branches, {@link #name()} tells
 * them apart and the injection annotations name the one they want.
 *
 * <p><b>Where stagDB is.</b> Remote mode (the default) talks to a server: {@code stagdb.url} and
 * {@code stagdb.apiKey} from {@code junit-platform.properties}, system properties, or the
 * {@code STAGDB_URL} / {@code STAGDB_API_KEY} environment variables; for an https server whose
 * certificate a private CA signed, {@code stagdb.caFile} (or {@code STAGDB_CA_FILE}). Embedded mode
 * ({@code stagdb.mode=embedded}) runs stagDB in the test JVM on the local ZFS and Docker; its
 * configuration keys are the server's, prefixed {@code stagdb.embedded.} (e.g.
 * {@code stagdb.embedded.zfs.root=tank/stagdb}). When stagDB cannot be reached, annotated tests are
 * disabled with the reason, unless {@code stagdb.required=true} (as in CI), which fails them.
 *
 * <p><b>Speed and safety.</b> A warm pool per source ({@code stagdb.pool.size}; by default two
 * branches per test JUnit may run at once, and one more) keeps branches ready, recycling each in
 * place when its test ends, shared by every class of the JVM. Every branch carries the
 * run's session label and a TTL ({@code stagdb.ttl}, default 2h), so a killed JVM leaks nothing: the
 * server's reaper deletes its branches. Safe under JUnit's parallel execution.
 *
 * <p><b>Spring Boot.</b> Use a class-scoped branch and hand it to the context:
 * <pre>{@code
 * @SpringBootTest
 * @StagDbBranch(source = "qa-baseline", scope = StagDbBranch.Scope.CLASS)
 * class ApplicationTest {
 *   @DynamicPropertySource
 *   static void database(DynamicPropertyRegistry registry) {
 *     Branch branch = StagDbBranches.of(ApplicationTest.class);   // the class's branch
 *     registry.add("spring.datasource.url", branch::jdbcUrl);
 *     registry.add("spring.datasource.username", branch::username);
 *     registry.add("spring.datasource.password", branch::password);
 *   }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Repeatable(StagDbBranch.List.class)
@ExtendWith(StagDbExtension.class)
public @interface StagDbBranch {

  /**
   * The database or snapshot to branch from; {@code ${key}} is replaced by that setting (e.g.
   * {@code "${stagdb.source.orders}"}), and an empty source means the setting {@code stagdb.source}.
   */
  String source() default "";

  /** Tells several branches of one test apart; the injection annotations name it. */
  String name() default "";

  /**
   * A branch for each test method (default), one for the whole class, or (with stagdb-spring) one
   * for each Spring test context, handed to it as its DataSource.
   */
  Scope scope() default Scope.METHOD;

  /**
   * Flyway locations (e.g. {@code classpath:db/migration}) applied once to a branch of the source;
   * the result is snapshotted and cached across runs until the migrations change.
   */
  String[] migrations() default {};

  /** Keep the branch of a failed test and print its connection URL, instead of deleting it. */
  boolean keepOnFailure() default false;

  /** Memory of the branch, e.g. {@code 512m}; empty keeps the source's. */
  String memory() default "";

  /** CPU cores of the branch, e.g. {@code 1.5}; empty keeps the source's. */
  String cpu() default "";

  /** Storage quota of the branch, e.g. {@code 5g}; empty keeps the source's. */
  String storage() default "";

  /** Remote or embedded; {@code DEFAULT} follows {@code stagdb.mode}. */
  Mode mode() default Mode.DEFAULT;

  /** How long a branch serves. */
  enum Scope { METHOD, CLASS, CONTEXT }

  /** Where stagDB runs. */
  enum Mode { DEFAULT, REMOTE, EMBEDDED }

  /** Holds repeated {@link StagDbBranch} annotations. */
  @Documented
  @Inherited
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
  @ExtendWith(StagDbExtension.class)
  @interface List {
    StagDbBranch[] value();
  }
}
