package dev.dockhand.sandbox;

/**
 * What one command did.
 *
 * @param exitCode the process's exit code (137 when killed)
 * @param output stdout and stderr interleaved as they arrived, cut at the output cap
 * @param truncated whether output was cut (a marker line then says so inside {@code output})
 * @param timedOut whether the command was killed at its time limit
 * @param durationMs wall time
 */
public record ExecResult(
    int exitCode, String output, boolean truncated, boolean timedOut, long durationMs) {}
