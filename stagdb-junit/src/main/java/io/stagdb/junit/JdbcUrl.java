package io.stagdb.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Injects a branch's JDBC URL into a {@code String} parameter or field: {@code @JdbcUrl String url}. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.FIELD})
public @interface JdbcUrl {
  /** The {@link StagDbBranch#name()} of the branch, when there are several. */
  String value() default "";
}
