package io.stagdb.junit;

/** The example suite against a stagDB server (remote mode, through the REST API). */
@StagDbBranch(source = JunitTestServer.BASE)
class RemoteBranchesIT extends BranchSuite {
}
