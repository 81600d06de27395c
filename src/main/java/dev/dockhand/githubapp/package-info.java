/**
 * The GitHub App: {@code POST /webhooks/github} deliveries ({@link
 * dev.dockhand.githubapp.Webhooks}), stored once and handled by a worker; mentions of the App that
 * start tasks or follow-ups; fix rounds for failing CI; and the comments that report progress.
 *
 * <p>Trust: a delivery crosses a boundary here. Its signature is checked over the raw bytes before
 * anything parses them ({@link dev.dockhand.githubapp.WebhookSignature}); its payload is read in
 * one place ({@link dev.dockhand.githubapp.Payloads}), names and branches checked as a submit's
 * are, texts bounded. Who asked is not believed but asked of GitHub (permission, membership) and of
 * the sign-in allowlist. Comments, reviews and CI logs only become prompts, never commands or
 * settings. Installation tokens never appear in a message, an event or a log line.
 */
package dev.dockhand.githubapp;
