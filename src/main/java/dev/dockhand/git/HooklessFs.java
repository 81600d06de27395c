package dev.dockhand.git;

import java.io.File;
import java.io.OutputStream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.FS_POSIX;
import org.eclipse.jgit.util.ProcessResult;

/**
 * The file system JGit sees on the host: hooks never run. The agent can write {@code .git/hooks}
 * inside its container; JGit on the host runs as root, so running those hooks would hand the agent
 * the host. Stateless and thread-safe.
 */
final class HooklessFs extends FS_POSIX {
  static final HooklessFs INSTANCE = new HooklessFs();

  private HooklessFs() {}

  @Override
  public FS newInstance() {
    return new HooklessFs();
  }

  @Override
  public File findHook(Repository repository, String hookName) {
    return null;
  }

  @Override
  public ProcessResult runHookIfPresent(
      Repository repository,
      String hookName,
      String[] args,
      OutputStream out,
      OutputStream err,
      String stdin) {
    return new ProcessResult(ProcessResult.Status.NOT_PRESENT);
  }

  @Override
  protected ProcessResult internalRunHookIfPresent(
      Repository repository,
      String hookName,
      String[] args,
      OutputStream out,
      OutputStream err,
      String stdin) {
    return new ProcessResult(ProcessResult.Status.NOT_PRESENT);
  }
}
