// Surety's record, checked in the browser. From nothing but what the log
// serves to any client as C2SP tlog-tiles (its checkpoint, the entry
// bundle that holds a statement, and the hash tiles) and the keys of the
// adopted agreement, this module checks, with WebCrypto only:
//   - the checkpoint's signature by the log key (a signed note);
//   - each witness's cosignature (cosignature/v1), and the agreement's quorum;
//   - on a statement's page, that the statement is in the signed tree: it
//     computes the RFC 6962 inclusion proof from the hash tiles and walks
//     it to the checkpoint's root.
// Each result is written beside what it checks; a failure is loud.

import { equal, fromBase64, parseKey, result, sha256, toBase64, utf8 } from "./encoding.js";

// The 4-byte key id a signature line starts with: the first four bytes
// of SHA-256(name || "\n" || type || key).
async function keyID(name, type, pub) {
  return (await sha256(utf8.encode(name + "\n"), Uint8Array.of(type), pub)).slice(0, 4);
}

async function ed25519(pub, sig, msg) {
  const key = await crypto.subtle.importKey("raw", pub, { name: "Ed25519" }, false, ["verify"]);
  return crypto.subtle.verify({ name: "Ed25519" }, key, sig, msg);
}

// A signed note: its text, up to and including the blank line's first
// newline, and its signature lines "— name base64".
function parseNote(text) {
  const i = text.indexOf("\n\n");
  if (i < 0) throw new Error("the checkpoint is not a signed note");
  const sigs = [];
  for (const line of text.slice(i + 2).split("\n")) {
    if (line === "") continue;
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) throw new Error("a malformed signature line: " + line);
    sigs.push({ name: m[1], sig: fromBase64(m[2]) });
  }
  return { body: text.slice(0, i + 1), sigs };
}

// checkCheckpoint returns the checkpoint's size and root once its log
// signature and a quorum of cosignatures verify; otherwise it throws.
export async function checkCheckpoint(text, keys) {
  const note = parseNote(text);
  const [origin, size, root] = note.body.split("\n");
  if (origin !== keys.origin) throw new Error(`the checkpoint is of ${origin}, not ${keys.origin}`);
  const logKey = parseKey(keys.log);
  const id = await keyID(logKey.name, 0x01, logKey.pub);
  const mine = note.sigs.filter((s) => s.name === logKey.name && equal(s.sig.slice(0, 4), id));
  if (mine.length === 0) throw new Error("the checkpoint bears no signature by the log key " + logKey.name);
  for (const s of mine) {
    if (!(await ed25519(logKey.pub, s.sig.slice(4), utf8.encode(note.body)))) {
      throw new Error("the log's signature on the checkpoint does not verify");
    }
  }
  const cosigners = [];
  for (const vkey of keys.witnesses) {
    const w = parseKey(vkey);
    const wid = await keyID(w.name, 0x04, w.pub);
    for (const s of note.sigs) {
      if (s.name !== w.name || !equal(s.sig.slice(0, 4), wid)) continue;
      const t = new DataView(s.sig.buffer, s.sig.byteOffset + 4, 8).getBigUint64(0);
      const msg = utf8.encode(`cosignature/v1\ntime ${t}\n` + note.body);
      if (!(await ed25519(w.pub, s.sig.slice(12), msg))) {
        throw new Error(`witness ${w.name}'s cosignature does not verify`);
      }
      cosigners.push({ name: w.name, time: new Date(Number(t) * 1000) });
    }
  }
  if (cosigners.length < keys.quorum) {
    throw new Error(`${cosigners.length} witness cosignatures, fewer than the agreement's quorum of ${keys.quorum}`);
  }
  return { size: Number(size), root: fromBase64(root), cosigners };
}

// C2SP tlog-tiles: an index as 3-digit path elements, all but the last
// prefixed with x.
function tileIndex(n) {
  const parts = [];
  do {
    parts.unshift(String(n % 1000).padStart(3, "0"));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return parts.map((p, i) => (i < parts.length - 1 ? "x" + p : p)).join("/");
}

// entryAt reads the entry at index from its entry bundle in a tree of size
// entries: 2-byte big-endian lengths, each followed by its entry.
async function entryAt(log, index, size) {
  const tile = Math.floor(index / 256);
  let path = log + "tile/entries/" + tileIndex(tile);
  const width = Math.min(256, size - tile * 256);
  if (width < 256) path += ".p/" + width;
  const res = await fetch(path);
  if (!res.ok) throw new Error(`the entry bundle ${path} answered ${res.status}`);
  const b = new Uint8Array(await res.arrayBuffer());
  let at = 0;
  for (let i = 0; i <= index % 256; i++) {
    if (at + 2 > b.length) throw new Error("the entry bundle is cut short");
    const n = (b[at] << 8) | b[at + 1];
    if (i === index % 256) return b.slice(at + 2, at + 2 + n);
    at += 2 + n;
  }
  throw new Error("the entry bundle does not hold the entry");
}

// included checks an RFC 6962 inclusion proof (RFC 9162, 2.1.3.2).
async function included(leaf, index, size, proof, root) {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(Uint8Array.of(1), p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await sha256(Uint8Array.of(1), r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

// Tiles reads the hashes of a tree of size nodes from its hash tiles
// (C2SP tlog-tiles: tiles of height 8, each up to 256 hashes of one level).
class Tiles {
  constructor(log, size) {
    this.log = log;
    this.size = size;
    this.fetched = new Map();
  }

  // tile returns the hashes of tile index j at tile level t.
  async tile(t, j) {
    const count = Math.floor(this.size / 256 ** t); // complete nodes at level 8t
    const width = Math.min(256, count - j * 256);
    let path = `${this.log}tile/${t}/${tileIndex(j)}`;
    if (width < 256) path += ".p/" + width;
    if (!this.fetched.has(path)) {
      this.fetched.set(path, (async () => {
        const res = await fetch(path);
        if (!res.ok) throw new Error(`the hash tile ${path} answered ${res.status}`);
        const b = new Uint8Array(await res.arrayBuffer());
        if (b.length !== width * 32) throw new Error(`the hash tile ${path} holds ${b.length} bytes, not ${width * 32}`);
        return b;
      })());
    }
    return this.fetched.get(path);
  }

  // node returns the hash of the complete subtree at level l, index k:
  // the leaves [k * 2^l, (k + 1) * 2^l). A tile stores the hashes of its
  // bottom level; the levels between are hashed up from them.
  async node(l, k) {
    const t = Math.floor(l / 8);
    const up = l % 8;
    const first = k * 2 ** up; // the first hash at level 8t under the node
    const tile = await this.tile(t, Math.floor(first / 256));
    let level = [];
    for (let x = first % 256; x < first % 256 + 2 ** up; x++) level.push(tile.slice(x * 32, x * 32 + 32));
    while (level.length > 1) {
      const next = [];
      for (let x = 0; x < level.length; x += 2) next.push(await sha256(Uint8Array.of(1), level[x], level[x + 1]));
      level = next;
    }
    return level[0];
  }

  // range returns the hash of the leaves [a, b), a aligned as RFC 6962's
  // recursion leaves it: complete subtrees on the left, a smaller tree on
  // the right.
  async range(a, b) {
    const n = b - a;
    const l = Math.floor(Math.log2(n));
    if (2 ** l === n) return this.node(l, a / n);
    const k = 2 ** l;
    return sha256(Uint8Array.of(1), await this.node(l, a / k), await this.range(a + k, b));
  }

  // proof returns the inclusion proof of leaf m in the leaves [a, b)
  // (RFC 6962, 2.1.1), leaf to root.
  async proof(m, a, b) {
    const n = b - a;
    if (n === 1) return [];
    const k = 2 ** Math.floor(Math.log2(n - 1));
    if (m < k) return [...(await this.proof(m, a, a + k)), await this.range(a + k, b)];
    return [...(await this.proof(m - k, a + k, b)), await this.range(a, a + k)];
  }
}

// checkInclusion reads the statement at index from the served entry
// bundle, computes its inclusion proof from the served hash tiles, and
// checks that it is in the tree of the verified checkpoint.
export async function checkInclusion(log, index, cp) {
  const entry = await entryAt(log, index, cp.size);
  const leaf = await sha256(Uint8Array.of(0), entry);
  const proof = await new Tiles(log, cp.size).proof(index, 0, cp.size);
  if (!(await included(leaf, index, cp.size, proof, cp.root))) {
    throw new Error(`statement ${index} is not in the tree of the checkpoint of size ${cp.size}: its entry or its proof has been changed`);
  }
  const list = document.getElementById("proof-hashes");
  if (list) {
    list.replaceChildren();
    for (const p of proof) {
      const li = document.createElement("li");
      li.textContent = toBase64(p);
      list.append(li);
    }
  }
  return toBase64(leaf);
}

function show(id, ok, text) {
  result(id, ok, (ok ? "Verified in your browser: " : "FAILED: ") + text);
}

async function main() {
  const data = JSON.parse(document.getElementById("verify-data").textContent);
  let cp;
  try {
    const res = await fetch(data.log + "checkpoint", { cache: "no-store" });
    if (!res.ok) throw new Error(`the checkpoint answered ${res.status}`);
    cp = await checkCheckpoint(await res.text(), data.keys);
    show("checkpoint-status", true,
      `the checkpoint of ${cp.size} entries is signed by the log key and cosigned by ${cp.cosigners.length} witnesses (quorum ${data.keys.quorum}).`);
    const list = document.getElementById("cosigners");
    if (list) {
      list.replaceChildren();
      for (const c of cp.cosigners) {
        const li = document.createElement("li");
        const age = Math.round((Date.now() - c.time.getTime()) / 60000);
        li.textContent = `${c.name}: cosigned ${c.time.toISOString()} (${age} min ago)`;
        list.append(li);
      }
    }
  } catch (e) {
    show("checkpoint-status", false, e.message);
    show("inclusion-status", false, "the statement cannot be checked against an unverified checkpoint.");
    return;
  }
  if (data.index === undefined) return;
  if (data.index >= cp.size) {
    // A statement just made is in the next checkpoint: check again soon.
    const el = document.getElementById("inclusion-status");
    el.textContent = `Statement ${data.index} is not in the latest checkpoint (${cp.size} entries) yet; checking again in a few seconds…`;
    setTimeout(main, 2000);
    return;
  }
  try {
    const leaf = await checkInclusion(data.log, data.index, cp);
    const shown = document.getElementById("leaf-hash");
    if (shown && shown.textContent !== leaf) {
      throw new Error(`the served entry hashes to ${leaf}, not to the leaf hash this page shows`);
    }
    show("inclusion-status", true, `statement ${data.index} is in the tree of ${cp.size} entries that the checkpoint signs.`);
  } catch (e) {
    show("inclusion-status", false, e.message);
  }
}

main();
