// What the dashboard's modules share: bytes and base64, SHA-256, verifier
// keys, and writing a result beside what it is about.

export const utf8 = new TextEncoder();

export function fromBase64(s) {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

export function toBase64(b) {
  return btoa(String.fromCharCode(...b));
}

export function base64url(b) {
  return toBase64(b).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
}

export async function sha256(...parts) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", concat(...parts)));
}

export function equal(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// parseKey reads a verifier key, "name+hash+base64(type || key)".
export function parseKey(vkey) {
  // The name has no "+" and the hash is hex; the base64 may hold "+".
  const [name, hash, ...rest] = vkey.split("+");
  const b = fromBase64(rest.join("+"));
  return { name, hash, type: b[0], pub: b.slice(1) };
}

// result writes an outcome into the element with the id: a success as a
// status, a failure as an alert that a screen reader announces.
export function result(id, ok, text) {
  const el = document.getElementById(id);
  if (!el) return;
  el.textContent = text;
  el.className = ok ? "verified" : "failed";
  el.setAttribute("role", ok ? "status" : "alert");
}
