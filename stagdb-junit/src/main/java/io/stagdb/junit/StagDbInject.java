package io.stagdb.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects a {@link Branch} or a {@link javax.sql.DataSource} into a field (or names one for a
 * parameter). A field naming a branch the current test does not declare is left unset.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.FIELD})
public @interface StagDbInject {
  /** The {@link StagDbBranch#name()} of the branch, when there are several. */
  String value() default "";
}
