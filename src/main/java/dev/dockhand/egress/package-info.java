/**
 * The sandbox's only way out: an HTTP forward proxy per task attempt, reached by the task's
 * container over a Unix domain socket mounted at {@code /run/dockhand/egress.sock} (the container
 * has no network interface but loopback; a relay inside exposes the socket as {@code
 * 127.0.0.1:3128}, where {@code HTTP_PROXY}/{@code HTTPS_PROXY} point).
 *
 * <h2>Trust boundary</h2>
 *
 * <p>Untrusted: every byte that arrives on the socket (the container runs the model's commands and
 * the repository's code), and every byte that comes back from a host on the internet. Trusted: the
 * allowlist, built on the coordinator from the operator's {@code DOCKHAND_EGRESS_ALLOW}, the
 * configured git hosts and a person's {@code egressAllow} entries, which {@link
 * dev.dockhand.egress.Allowlist#userEntries} checks at submit (names and {@code *.domain} only,
 * never address literals or a top-level wildcard).
 *
 * <p>What is checked where:
 *
 * <ul>
 *   <li>{@code ChannelReader} and {@code HttpHead}: a request head is at most 16 KiB and must be
 *       complete within the head timeout (10 s); the grammar is strict (token names, no folded
 *       lines, no control characters). Anything else is a 400 or 408, never a hang.
 *   <li>{@code Target}: the destination is a DNS name by the same rules as an allowlist entry (a
 *       numeric last label is refused, so {@code 127.1} or {@code 2130706433} never reach a
 *       resolver) or a strict IP literal, and a port.
 *   <li>{@link dev.dockhand.egress.Allowlist#match}: the destination must match an entry (by the
 *       URL's host for plain HTTP; the Host field is replaced, never trusted).
 *   <li>{@code AddressPolicy}: the name is resolved once through the {@link
 *       dev.dockhand.egress.Resolver}; if any address is loopback, private, CGNAT, link-local (the
 *       metadata service), unspecified, multicast, broadcast or an IPv6 form carrying one of those,
 *       the request is refused, unless the matching entry is that very address literal. The {@link
 *       dev.dockhand.egress.Connector} then connects to a vetted address, never to the name, so a
 *       second DNS answer cannot redirect the connection.
 *   <li>{@code PlainExchange}: the request is rebuilt (origin-form, Host from the URL, hop-by-hop
 *       and {@code Proxy-*} fields dropped, {@code Connection: close}); its body is passed on by
 *       its framing (one Content-Length, or chunked, not both) and nothing after it. The response
 *       head is parsed within 32 KiB and rebuilt with {@code Connection: close}.
 *   <li>CONNECT tunnels are opaque: no TLS interception, bytes are copied both ways.
 * </ul>
 *
 * <p>Refusals answer 403 naming the normalised destination and how to allow it; they never reveal
 * what a name resolved to. Refusals are reported, aggregated, to a {@link
 * dev.dockhand.egress.BlockedListener}. No answer or log line carries request headers, bodies or
 * anything of the coordinator's. Each proxy serves at most 256 connections at once.
 */
package dev.dockhand.egress;
