package dev.dockhand.egress;

import dev.dockhand.InvalidInputException;
import dev.dockhand.config.ConfigException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * The hosts one task's containers may reach through the egress proxy: the operator's entries plus
 * whatever the person added at submit. Immutable and thread-safe.
 */
public final class Allowlist {
  /** The most entries a person may add to one task. */
  public static final int MAX_USER_ENTRIES = 20;

  private static final Allowlist EMPTY = new Allowlist(List.of());
  private final List<EgressEntry> entries;

  private Allowlist(List<EgressEntry> entries) {
    this.entries = List.copyOf(new LinkedHashSet<>(entries));
  }

  public static Allowlist empty() {
    return EMPTY;
  }

  /**
   * Reads an operator's comma-separated list; a bad entry stops start-up with one line naming
   * {@code configKey} and the entry. The operator may allow anything, address literals included.
   */
  public static Allowlist parse(String commaList, String configKey) {
    List<EgressEntry> entries = new ArrayList<>();
    for (String item : Arrays.stream(commaList.split(",")).map(String::strip).toList()) {
      if (item.isEmpty()) {
        continue;
      }
      try {
        entries.add(EgressEntry.parse(item));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(configKey, "bad entry " + e.getMessage());
      }
    }
    return new Allowlist(entries);
  }

  /**
   * Reads a person's additions for one task (the submit field {@code egressAllow}). A person may
   * add host names and {@code *.domain}, with or without a port, but not address literals (those
   * reach loopback, private and metadata addresses, so only the operator may name them) and not a
   * wildcard over a whole top-level domain; at most {@link #MAX_USER_ENTRIES}.
   */
  public static List<EgressEntry> userEntries(List<String> raw) {
    if (raw == null || raw.isEmpty()) {
      return List.of();
    }
    if (raw.size() > MAX_USER_ENTRIES) {
      throw new InvalidInputException(
          "egressAllow", "at most " + MAX_USER_ENTRIES + " entries, got " + raw.size());
    }
    List<EgressEntry> entries = new ArrayList<>();
    for (String text : raw) {
      EgressEntry entry;
      try {
        entry = EgressEntry.parse(text);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("egressAllow", "bad entry " + e.getMessage());
      }
      if (entry.addressLiteral()) {
        throw new InvalidInputException(
            "egressAllow",
            "'"
                + text.strip()
                + "': address literals may only be allowed by the operator"
                + " (DOCKHAND_EGRESS_ALLOW); name the host instead");
      }
      if (entry.wildcard() && !entry.host().contains(".")) {
        throw new InvalidInputException(
            "egressAllow",
            "'" + text.strip() + "': a wildcard must stand under a domain, as *.example.com");
      }
      entries.add(entry);
    }
    return List.copyOf(entries);
  }

  /** This list with {@code more} added (duplicates dropped). */
  public Allowlist plus(List<EgressEntry> more) {
    if (more.isEmpty()) {
      return this;
    }
    List<EgressEntry> all = new ArrayList<>(entries);
    all.addAll(more);
    return new Allowlist(all);
  }

  /**
   * The first entry that lets {@code host} (lower case ASCII, no brackets) on {@code port} go, or
   * empty when none does.
   */
  public Optional<EgressEntry> match(String host, int port) {
    return entries.stream().filter(entry -> entry.allows(host, port)).findFirst();
  }

  public List<EgressEntry> entries() {
    return entries;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Allowlist list && list.entries.equals(entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return String.join(",", entries.stream().map(EgressEntry::toString).toList());
  }
}
