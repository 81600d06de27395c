package dev.dockhand.web;

import java.util.List;

/**
 * What {@code GET /readyz} reports: each check's name, whether it passes, and a short detail that
 * reveals no secret. The coordinator supplies the database and Docker checks.
 */
@FunctionalInterface
public interface Readiness {
  List<Check> check();

  /** One dependency's state. */
  record Check(String name, boolean ok, String detail) {}
}
