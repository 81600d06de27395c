package dev.dockhand.env;

/** The fallback where overlayfs cannot be mounted: the same behaviour, paid for with a copy. */
class CopyRestoreTest extends RestoreContract {
  @Override
  boolean overlay() {
    return false;
  }
}
