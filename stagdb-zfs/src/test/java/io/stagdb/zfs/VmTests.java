package io.stagdb.zfs;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import java.util.Arrays;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The ZFS test VM's test run (KernelZfsVmIT starts it in the guest): runs the test classes named as
 * arguments in one JVM and prints what JUnit's summary says, failures with their stack traces.
 * Exits 0 only when at least one test ran and none failed or was skipped.
 */
public final class VmTests {
  private VmTests() {
  }

  public static void main(String[] classes) throws Exception {
    LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
    for (String name : classes) {
      request.selectors(selectClass(Class.forName(name)));
    }
    LauncherDiscoveryRequest built = request.build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener summary = new SummaryGeneratingListener();
    launcher.execute(built, summary);
    TestExecutionSummary result = summary.getSummary();
    PrintWriter out = new PrintWriter(System.out, true);
    result.printTo(out);
    result.printFailuresTo(out, 25);
    out.printf("vm-tests: classes=%s found=%d succeeded=%d failed=%d skipped=%d aborted=%d%n", Arrays.toString(classes),
        result.getTestsFoundCount(), result.getTestsSucceededCount(), result.getTotalFailureCount(),
        result.getTestsSkippedCount(), result.getTestsAbortedCount());
    boolean ok = result.getTestsSucceededCount() > 0 && result.getTotalFailureCount() == 0
        && result.getTestsSkippedCount() == 0 && result.getTestsAbortedCount() == 0;
    System.exit(ok ? 0 : 1);
  }
}
