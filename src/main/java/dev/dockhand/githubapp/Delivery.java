package dev.dockhand.githubapp;

/**
 * One stored webhook delivery being handled: GitHub's delivery id, its event name, the payload as
 * received (signature checked), and how many times handling it began.
 */
record Delivery(String id, String event, String payload, int attempts) {}
