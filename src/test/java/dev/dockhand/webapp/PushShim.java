package dev.dockhand.webapp;

/**
 * Stands in for Chromium's push service registration, which needs Google's servers: {@code
 * PushManager.subscribe} makes a real P-256 key pair and authentication secret with WebCrypto, as
 * the browser does, and returns a subscription whose endpoint is the loopback push service; the
 * private key is left on {@code window.__testPush} so that the service can decrypt what the server
 * sends. Everything else (the page's code, the permission, the server, the service worker) is real.
 */
final class PushShim {
  private PushShim() {}

  static String source(String endpointBase) {
    return """
        (() => {
          const b64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
            .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
          let current = null;
          PushManager.prototype.getSubscription = async function () { return current; };
          PushManager.prototype.subscribe = async function (options) {
            if (Notification.permission !== "granted") throw new DOMException("denied", "NotAllowedError");
            const pair = await crypto.subtle.generateKey(
              { name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
            const raw = await crypto.subtle.exportKey("raw", pair.publicKey);
            const jwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
            const auth = crypto.getRandomValues(new Uint8Array(16));
            const id = "b" + Array.from(crypto.getRandomValues(new Uint8Array(8)),
              (b) => b.toString(16).padStart(2, "0")).join("");
            const json = { endpoint: "%s" + id, expirationTime: null,
              keys: { p256dh: b64(raw), auth: b64(auth) } };
            window.__testPush = { id, d: jwk.d, x: jwk.x, y: jwk.y, auth: b64(auth) };
            current = {
              endpoint: json.endpoint,
              options: { userVisibleOnly: true, applicationServerKey: options.applicationServerKey.buffer },
              toJSON: () => json,
              unsubscribe: async () => { current = null; return true; },
            };
            return current;
          };
        })();
        """
        .formatted(endpointBase);
  }
}
