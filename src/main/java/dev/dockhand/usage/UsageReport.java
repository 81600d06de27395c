package dev.dockhand.usage;

import java.time.LocalDate;
import java.util.List;

/**
 * A usage report: its range and grouping, whose tasks it counts ({@code everyone} for an admin,
 * else {@code own}), one row per group (every day of the range for {@code day}, oldest first;
 * otherwise by cost, highest first) and the total.
 */
public record UsageReport(
    LocalDate from,
    LocalDate to,
    String groupBy,
    String scope,
    List<UsageRow> rows,
    UsageRow total) {}
