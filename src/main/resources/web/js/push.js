// Web Push: this device hears about the person's tasks (ended, pull request opened) even when the
// app is closed. The browser's permission is asked only when the person taps "Notify me" on the
// offer shown after their first submit, never on load; once granted, the subscription is kept
// registered with the server quietly on each start.

import { html, useState, useEffect } from "./html.js";
import { api } from "./api.js";

const SUBSCRIPTION_KEY = "dockhand.push.subscription";
const OFFER_KEY = "dockhand.push.offer";
const OFFER_EVENT = "dockhand:push-offer";

export function pushSupported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

/** After a submit: offer notifications once, if the browser has not been asked yet. */
export function offerPush() {
  if (!pushSupported() || Notification.permission !== "default") return;
  if (localStorage.getItem(OFFER_KEY) === "dismissed") return;
  localStorage.setItem(OFFER_KEY, "offered");
  window.dispatchEvent(new Event(OFFER_EVENT));
}

/** On start, signed in: a device that already allowed notifications stays subscribed. */
export async function keepSubscribed() {
  if (!pushSupported() || Notification.permission !== "granted") return;
  try {
    await subscribe();
  } catch {
    // A push service that cannot be reached now is asked again at the next start.
  }
}

/** Before signing out: this device stops hearing about this person's tasks. */
export async function unsubscribe() {
  const id = localStorage.getItem(SUBSCRIPTION_KEY);
  localStorage.removeItem(SUBSCRIPTION_KEY);
  try {
    if (id) await api.unsubscribePush(id);
    const registration = await navigator.serviceWorker?.getRegistration();
    const subscription = await registration?.pushManager.getSubscription();
    await subscription?.unsubscribe();
  } catch {
    // Signing out goes on; the push service drops a subscription nobody reads.
  }
}

async function subscribe() {
  const registration = await navigator.serviceWorker.ready;
  const { publicKey } = await api.pushKey();
  const key = fromBase64Url(publicKey);
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !sameKey(subscription.options?.applicationServerKey, key)) {
    // Made for the server's old keys: the push service would refuse our messages.
    await subscription.unsubscribe();
    subscription = null;
  }
  if (!subscription) {
    subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  }
  const stored = await api.subscribePush(subscription.toJSON());
  localStorage.setItem(SUBSCRIPTION_KEY, stored.id);
}

function sameKey(buffer, key) {
  if (!buffer) return false;
  const bytes = new Uint8Array(buffer);
  return bytes.length === key.length && bytes.every((byte, i) => byte === key[i]);
}

function fromBase64Url(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** The offer: shown after the first submit until the person answers it. */
export function PushOffer() {
  const [state, setState] = useState(
    pushSupported() && Notification.permission === "default" && localStorage.getItem(OFFER_KEY) === "offered"
      ? "offered"
      : "hidden",
  );
  const [error, setError] = useState(null);
  useEffect(() => {
    const show = () => setState("offered");
    window.addEventListener(OFFER_EVENT, show);
    return () => window.removeEventListener(OFFER_EVENT, show);
  }, []);

  const accept = async () => {
    setState("asking");
    setError(null);
    try {
      const answer = await Notification.requestPermission();
      if (answer !== "granted") {
        localStorage.setItem(OFFER_KEY, "dismissed");
        setState("blocked");
        return;
      }
      await subscribe();
      localStorage.setItem(OFFER_KEY, "dismissed");
      setState("on");
    } catch (failure) {
      setError(`Notifications could not be turned on: ${failure.message}`);
      setState("offered");
    }
  };
  const dismiss = () => {
    localStorage.setItem(OFFER_KEY, "dismissed");
    setState("hidden");
  };

  if (state === "hidden") return null;
  if (state === "on") {
    return html`<div class="push-offer done" role="status">
      <p><strong>Notifications are on.</strong> This device will hear when your tasks finish.</p>
      <button type="button" class="button small" onClick=${() => setState("hidden")}>OK</button>
    </div>`;
  }
  if (state === "blocked") {
    return html`<div class="push-offer" role="status">
      <p>Notifications are blocked for this site. You can allow them in the browser's site settings.</p>
      <button type="button" class="button small" onClick=${() => setState("hidden")}>OK</button>
    </div>`;
  }
  return html`<section class="push-offer" aria-labelledby="push-offer-title">
    <h2 id="push-offer-title">Know when it's done</h2>
    <p>Dockhand can tell this device when your tasks finish or open a pull request, even when the app is closed.</p>
    ${error && html`<p class="field-error" role="alert">${error}</p>`}
    <div class="actions">
      <button type="button" class="button primary small" disabled=${state === "asking"} onClick=${accept}>
        ${state === "asking" ? "Asking…" : "Notify me"}
      </button>
      <button type="button" class="button small" onClick=${dismiss}>Not now</button>
    </div>
  </section>`;
}
