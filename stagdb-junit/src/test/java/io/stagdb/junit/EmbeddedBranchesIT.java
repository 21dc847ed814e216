package io.stagdb.junit;

/** The example suite with stagDB in the test JVM (embedded mode, on the local ZFS and Docker). */
@StagDbBranch(source = JunitTestServer.BASE, mode = StagDbBranch.Mode.EMBEDDED)
class EmbeddedBranchesIT extends BranchSuite {
}
