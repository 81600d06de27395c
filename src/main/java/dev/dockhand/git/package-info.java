/**
 * Git for a task: check the repository reference ({@link dev.dockhand.git.RepoUrl}) and branch
 * names ({@link dev.dockhand.git.RefNames}) before any network call, clone on the coordinator with
 * the user's token ({@link dev.dockhand.git.GitWorkspace#clone}), and after the agent is done
 * commit, push {@code dockhand/<short-id>} and open or find the pull request ({@link
 * dev.dockhand.git.GitPublisher}, through a {@link dev.dockhand.git.GitHost}).
 *
 * <p>Trust: the token lives only in memory, handed to JGit per call. The workspace is mounted into
 * the agent's container, so once the agent has had it, its {@code .git} is untrusted input: JGit on
 * the host runs no hooks, pushes to the checked URL rather than to {@code origin}, and each
 * host-side call first restores the config from the clone and refuses links in {@code .git}.
 */
package dev.dockhand.git;
