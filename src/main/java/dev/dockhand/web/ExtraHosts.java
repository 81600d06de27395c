package dev.dockhand.web;

import dev.dockhand.InvalidInputException;
import dev.dockhand.egress.EgressEntry;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The hosts a person may add to the egress allowlist of one task ({@code egressAllow}). Narrower
 * than what the operator may write in DOCKHAND_EGRESS_ALLOW: names only, never an address (only an
 * address entry lets the proxy reach loopback or private networks), never everything ({@code *})
 * and never a whole top-level domain ({@code *.com}). Stateless and thread-safe.
 */
final class ExtraHosts {
  static final String FIELD = "egressAllow";
  static final int MAX_ENTRIES = 20;

  private ExtraHosts() {}

  /**
   * The entries in their normal form, duplicates dropped, in the order given; throws {@link
   * InvalidInputException} naming {@value #FIELD} and the entry at fault.
   */
  static List<String> parse(List<String> given, boolean userMayAdd) {
    if (given.isEmpty()) {
      return List.of();
    }
    if (!userMayAdd) {
      throw refused(
          "this server does not let a task add hosts; ask the operator to add them to"
              + " DOCKHAND_EGRESS_ALLOW");
    }
    Set<String> entries = new LinkedHashSet<>();
    for (String text : given) {
      entries.add(entry(text).toString());
      if (entries.size() > MAX_ENTRIES) {
        throw refused("at most " + MAX_ENTRIES + " hosts may be added to one task");
      }
    }
    return List.copyOf(entries);
  }

  private static EgressEntry entry(String text) {
    if (text.strip().equals("*")) {
      throw refused("'*' would allow every host; name the hosts the task needs");
    }
    EgressEntry entry;
    try {
      entry = EgressEntry.parse(text);
    } catch (IllegalArgumentException e) {
      throw refused(e.getMessage());
    }
    if (entry.addressLiteral()) {
      throw refused(
          "'"
              + text
              + "': an address cannot be added to one task; name the host, or ask the"
              + " operator to add the address to DOCKHAND_EGRESS_ALLOW");
    }
    if (entry.wildcard() && !entry.host().contains(".")) {
      throw refused(
          "'"
              + text
              + "': a wildcard over a whole top-level domain is too wide; name the domain,"
              + " as *.example."
              + entry.host());
    }
    return entry;
  }

  private static InvalidInputException refused(String why) {
    return new InvalidInputException(FIELD, FIELD + ": " + why);
  }
}
