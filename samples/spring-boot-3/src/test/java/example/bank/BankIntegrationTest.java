package example.bank;

import io.stagdb.junit.StagDbBranch;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The suite's base class: a Spring context on a stagDB branch of the source (stagdb.source). Every
 * test class extending it shares the context, and with it the branch.
 */
@SpringBootTest
@StagDbBranch(scope = StagDbBranch.Scope.CONTEXT)
abstract class BankIntegrationTest {
}
