// Preact with htm's tagged templates: components without a build step.
import { h, render } from "../vendor/preact.js";
import htm from "../vendor/htm.js";

export const html = htm.bind(h);
export { render };
export {
  useState,
  useEffect,
  useReducer,
  useRef,
  useMemo,
  useCallback,
} from "../vendor/hooks.js";
