package dev.dockhand.queue;

import java.util.List;
import java.util.Optional;

/** One page of a listing; {@code nextCursor} fetches the next, empty on the last page. */
public record Page<T>(List<T> items, Optional<String> nextCursor) {}
