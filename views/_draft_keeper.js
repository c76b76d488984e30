// Keeps what is typed in one text area in the browser's local storage until the server has it.
// Streamlit sends a text area's value only when the cursor leaves the box, so a reload, a dropped
// connection or a crash before that would lose the paragraph. Each keystroke is stored here; when the
// server's value matches, the copy is dropped; a copy left from an earlier page load is handed back.
// `epoch` changes whenever the page empties the box on purpose (an entry saved, a note posted), so a copy
// typed before that is dropped instead of brought back.
const KEPT_FOR_MS = 14 * 24 * 3600 * 1000;
const state = (window.__reflectionDraftKeeper ||= { epochs: {}, seen: new Set(), restored: new Set() });

// The server sends a fingerprint of its text, not the text: CRC-32 of the UTF-8 bytes and the byte count, as
// Python's zlib.crc32 computes it (views/_draft_keeper.py).
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function fingerprint(text) {
  const bytes = new TextEncoder().encode(text);
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return `${bytes.length}:${((crc ^ 0xffffffff) >>> 0).toString(16).padStart(8, "0")}`;
}

function readKept(storageKey) {
  try {
    return JSON.parse(window.localStorage.getItem(storageKey));
  } catch (error) {
    return null;
  }
}

function listen(widgetKey, storageKey, triesLeft) {
  const box = document.querySelector(`.st-key-${CSS.escape(widgetKey)} textarea`);
  if (!box) {
    if (triesLeft > 0) setTimeout(() => listen(widgetKey, storageKey, triesLeft - 1), 100);
    return;
  }
  if (box.dataset.draftKeeper === storageKey) return;
  box.dataset.draftKeeper = storageKey;
  box.addEventListener("input", () => {
    const kept = { text: box.value, epoch: state.epochs[storageKey], at: Date.now() };
    try {
      window.localStorage.setItem(storageKey, JSON.stringify(kept));
    } catch (error) {
      // Storage full or switched off: the text still reaches the server when the cursor leaves the box.
    }
  });
}

export default function (component) {
  const { data, setTriggerValue } = component;
  const { storage_key: storageKey, widget_key: widgetKey, server_fingerprint: serverFingerprint, epoch } = data;
  state.epochs[storageKey] = epoch;
  state.seen.add(`${storageKey} ${epoch}`);
  const kept = readKept(storageKey);
  if (kept && typeof kept.text === "string") {
    const fromThisPageLoad = state.seen.has(`${storageKey} ${kept.epoch}`);
    const arrived = fingerprint(kept.text) === serverFingerprint;
    const emptiedOnPurpose = fromThisPageLoad && kept.epoch !== epoch;
    if (arrived || emptiedOnPurpose || Date.now() - kept.at > KEPT_FOR_MS) {
      window.localStorage.removeItem(storageKey);
    } else if (!fromThisPageLoad && !state.restored.has(storageKey)) {
      state.restored.add(storageKey);
      setTriggerValue("restore", kept.text);
    }
  }
  listen(widgetKey, storageKey, 20);
}
