package dev.dockhand.git;

class PushOnlyHostContractTest extends GitHostContract {
  @Override
  GitHost host() {
    return new PushOnlyHost();
  }

  @Override
  boolean opensPullRequests() {
    return false;
  }
}
