// Keeps the newest part of the conversation in view while it grows, unless the person has
// scrolled up to read something older.

import { useLayoutEffect } from "../vendor/hooks.js";

const NEAR_BOTTOM_PX = 160;
let nearBottom = true;

window.addEventListener(
  "scroll",
  () => {
    const root = document.scrollingElement;
    nearBottom = root.scrollHeight - root.scrollTop - root.clientHeight < NEAR_BOTTOM_PX;
  },
  { passive: true },
);

/** Scrolls to the bottom after each render in which `size` changed, if we were near it. */
export function useStickToBottom(size) {
  useLayoutEffect(() => {
    if (nearBottom) {
      const root = document.scrollingElement;
      root.scrollTop = root.scrollHeight;
    }
  }, [size]);
}
