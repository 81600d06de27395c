package dev.dockhand.sandbox;

/** The numeric uid:gid commands run as; parsed from {@link SandboxSettings#user()}. */
public record SandboxUser(int uid, int gid) {
  public static SandboxUser parse(String spec) {
    String[] parts = spec.split(":", -1);
    try {
      int uid = Integer.parseInt(parts[0]);
      int gid = parts.length > 1 ? Integer.parseInt(parts[1]) : uid;
      if (parts.length > 2 || uid <= 0 || gid <= 0) {
        throw new NumberFormatException(spec);
      }
      return new SandboxUser(uid, gid);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "DOCKHAND_SANDBOX_USER must be a non-root numeric uid:gid, got '" + spec + "'");
    }
  }
}
