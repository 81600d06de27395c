/**
 * Git for a task: check the repository reference ({@link dev.dockhand.git.RepoUrl}) and branch
 * names ({@link dev.dockhand.git.RefNames}) before any network call, clone on the coordinator with
 * the user's token ({@link dev.dockhand.git.GitWorkspace#clone}), and after the agent is done
 * commit, push {@code dockhand/<short-id>} and open or find the pull request ({@link
 * dev.dockhand.git.GitPublisher}, through a {@link dev.dockhand.git.GitHost}).
 *
 * <p>Trust: the token lives only in memory, handed to JGit per call. The host keeps its own bare
 * repository outside anything a container mounts, and its own record of the working head; the
 * container gets a throwaway {@code .git} copied from it and checks the files out itself. The host
 * never reads, follows or parses what the container leaves in that {@code .git} (HEAD, refs,
 * packed-refs, reflogs, locks, index, config, info, objects, hooks): after the agent it builds the
 * commit from the worktree's files alone ({@link dev.dockhand.git.WorktreeTree}: no link followed,
 * every {@code .git} skipped, hard links refused, bounded by {@link
 * dev.dockhand.git.WorkspaceLimits}), pushes from its own repository to the checked URL, and diffs
 * its own objects. JGit on the host runs no hooks ({@link dev.dockhand.git.HooklessFs}).
 */
package dev.dockhand.git;
