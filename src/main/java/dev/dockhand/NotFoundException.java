package dev.dockhand;

/** A thing that does not exist, or that the caller may not see (HTTP 404). */
public class NotFoundException extends DockhandException {
  public NotFoundException(String what, String id) {
    super("not_found", what + " " + id + " not found");
  }
}
