package example.bank;

import io.stagdb.junit.StagDbBranch;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;

/** The team's own annotation for tests on a branch, for classes that extend something else. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest
@StagDbBranch(scope = StagDbBranch.Scope.CONTEXT, memory = "512m")
@interface BankTest {
}
