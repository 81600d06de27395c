package dev.dockhand.sandbox;

import java.nio.file.Path;
import java.util.Map;

/**
 * A node's run that is killed: fills its pool, hands one container to a task (whose file it
 * writes), prints "serving <container id>" and "ready", and then waits to be killed with SIGKILL,
 * so it never cleans anything. Arguments: the data directory, the node id, the incarnation.
 */
public final class WarmPoolDeadRunMain {
  private WarmPoolDeadRunMain() {}

  public static void main(String[] args) throws Exception {
    PoolFixture fixture = new PoolFixture(Path.of(args[0]));
    DockerSandbox sandbox = new DockerSandbox(PoolFixture.settings(Map.of()), args[1], args[2]);
    WarmPool pool = fixture.pool(sandbox);
    PoolFixture.awaitFull(pool, 2);
    PoolFixture.Attempt attempt = fixture.attempt();
    SandboxContainer serving = pool.start("dead-task", attempt.files());
    serving.exec(SandboxFixture.bash(PoolFixture.WAIT, "echo kept > /workspace/work.txt"));
    PoolFixture.awaitFull(pool, 2);
    System.out.println("serving " + serving.id() + " " + attempt.disk().workspace());
    System.out.println("ready");
    System.out.flush();
    System.in.read(); // The test kills this JVM; its stdin never ends.
  }
}
