/**
 * Web Push to a person's devices (RFC 8030 delivery, RFC 8291 message encryption, RFC 8292 VAPID).
 *
 * <h2>Trust boundary</h2>
 *
 * <p>Untrusted: a subscription as a browser sends it. Its endpoint is a URL anyone with an account
 * may name, and the server will make requests to it, so it is checked twice: when stored ({@link
 * dev.dockhand.push.SubscriptionRequest}: https only, no credentials, a DNS name or a public
 * address literal, at most 2000 characters; keys a P-256 point and a 16-byte secret), and at every
 * send ({@code VettedResolver}: the name is resolved once through the egress resolver seam, any
 * loopback, private or link-local answer refuses the send before a connection is made, and the
 * connection goes only to a vetted address). The push client follows no redirect, uses no proxy and
 * reads at most 4 KiB of an answer. Plain {@code http} and loopback are allowed only with {@code
 * DOCKHAND_PUSH_ALLOW_LOOPBACK}, a seam for tests.
 *
 * <p>Trusted: the VAPID key pair, from the configuration or generated into the data dir (mode
 * 0600), and the messages, which the server builds from the task (its repository, outcome, the
 * prompt's first line and a link to the task); the push service sees only ciphertext.
 */
package dev.dockhand.push;
