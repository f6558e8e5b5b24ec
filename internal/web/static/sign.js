// Signing in the browser. A principal's key file ("PRIVATE+KEY+name+
// hash+base64(0x01 || seed)") is read and imported into WebCrypto here; it
// is never sent. Signing in signs the server's challenge; a statement is
// put in canonical form by the server, shown, signed here as a DSSE
// envelope, and sent to the log's API as any client sends it.

import { base64url, fromBase64, parseKey, result, sha256, toBase64, utf8 } from "./encoding.js";

// readKey imports the key in a key file, checked against the principal's
// verifier key in the agreement.
async function readKey(file, principals) {
  const text = (await file.text()).trim();
  // The name has no "+" and the hash is hex; the base64 may hold "+".
  const parts = text.split("+");
  if (parts.length < 5 || parts[0] !== "PRIVATE" || parts[1] !== "KEY") {
    throw new Error("this is not a key file (it should read PRIVATE+KEY+name+hash+data)");
  }
  const name = parts[2];
  const data = fromBase64(parts.slice(4).join("+"));
  if (data.length !== 33 || data[0] !== 1) throw new Error("the key file does not hold an Ed25519 key");
  const vkey = principals[name];
  if (!vkey) throw new Error(`the agreement has no principal ${name}`);
  const { pub } = parseKey(vkey);
  const key = await crypto.subtle.importKey(
    "jwk",
    { kty: "OKP", crv: "Ed25519", d: base64url(data.slice(1)), x: base64url(pub) },
    { name: "Ed25519" },
    false,
    ["sign"],
  );
  return { name, key };
}

async function sign(key, msg) {
  return new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, key, msg));
}

// pae is DSSE's pre-authentication encoding.
function pae(type, payload) {
  const head = utf8.encode(`DSSEv1 ${utf8.encode(type).length} ${type} ${payload.length} `);
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

async function post(path, body, csrf) {
  const headers = { "Content-Type": "application/json" };
  if (csrf) headers["X-Surety-CSRF"] = csrf;
  const res = await fetch(path, { method: "POST", headers, body, credentials: "same-origin" });
  const text = await res.text();
  let json = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { detail: text };
  }
  if (!res.ok) throw new Error(json.detail || `${path} answered ${res.status}`);
  return json;
}

// upload stores a file as a blob, with a request signed as the principal
// (HTTP Message Signatures, RFC 9421, as the CLI signs it: the method, the
// authority, the path, the query and the body's Content-Digest), and
// returns its SHA-256 in hex.
async function upload(key, principal, bytes) {
  const sum = await sha256(bytes);
  const digest = `sha-256=:${toBase64(sum)}:`;
  const created = Math.floor(Date.now() / 1000);
  const params = `("@method" "@authority" "@path" "@query" "content-digest");created=${created};keyid="${principal}";alg="ed25519"`;
  const base = [
    `"@method": POST`,
    `"@authority": ${location.host.toLowerCase()}`,
    `"@path": /v1/blobs`,
    `"@query": ?`,
    `"content-digest": ${digest}`,
    `"@signature-params": ${params}`,
  ].join("\n");
  const sig = toBase64(await sign(key, utf8.encode(base)));
  const res = await fetch("/v1/blobs", {
    method: "POST",
    headers: {
      "Content-Type": "application/octet-stream",
      "Content-Digest": digest,
      "Signature-Input": `surety=${params}`,
      "Signature": `surety=:${sig}:`,
    },
    body: bytes,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json.detail || `the upload answered ${res.status}`);
  return json.sha256;
}

const data = JSON.parse(document.getElementById("verify-data").textContent);

document.getElementById("signin-form")?.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const { name, key } = await readKey(document.getElementById("signin-key").files[0], data.principals);
    const { challenge } = await post("/signin/challenge", "{}");
    const msg = utf8.encode(`surety sign-in v1\n${data.origin}\n${name}\n${challenge}\n`);
    const signature = toBase64(await sign(key, msg));
    await post("/signin", JSON.stringify({ principal: name, challenge, signature }));
    location.reload();
  } catch (e) {
    result("signin-status", false, "Not signed in: " + e.message);
  }
});

document.getElementById("signout-form")?.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  await post("/signout", "{}", data.csrf);
  location.reload();
});

// The buttons that prepare a statement fill in the form with its draft.
for (const button of document.querySelectorAll(".prepare-report, .prepare")) {
  button.addEventListener("click", () => {
    const report = button.classList.contains("prepare-report");
    document.getElementById("statement-type").value = report ? "inspection.report" : button.dataset.type;
    document.getElementById("statement-id").value = report ? "r-" + button.dataset.declaration : button.dataset.id;
    document.getElementById("statement-body").value = button.dataset.draft;
    document.getElementById("statement-body").focus();
  });
}

document.getElementById("statement-form")?.addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const { name, key } = await readKey(document.getElementById("statement-key").files[0], data.principals);
    if (name !== data.principal) throw new Error(`this is ${name}'s key; you are signed in as ${data.principal}`);
    const body = JSON.parse(document.getElementById("statement-body").value);
    // Evidence files are stored as blobs first, and cited in the body.
    for (const file of document.getElementById("statement-evidence")?.files ?? []) {
      const sha256 = await upload(key, name, new Uint8Array(await file.arrayBuffer()));
      body.evidence = [...(body.evidence ?? []), { sha256, kind: file.type || "file", name: file.name }];
    }
    const draft = await post("/draft", JSON.stringify({
      type: document.getElementById("statement-type").value,
      id: document.getElementById("statement-id").value,
      body,
    }), data.csrf);
    document.getElementById("statement-preview").textContent = draft.preview;
    const payload = fromBase64(draft.payload);
    const sig = toBase64(await sign(key, pae(draft.payloadType, payload)));
    const envelope = JSON.stringify({ payloadType: draft.payloadType, payload: draft.payload, signatures: [{ keyid: draft.keyid, sig }] });
    const done = await post("/v1/statements", envelope);
    const el = document.getElementById("statement-status");
    el.className = "verified";
    el.setAttribute("role", "status");
    el.textContent = `In the log as statement ${done.index}: `;
    const a = document.createElement("a");
    a.href = `/statements/${done.index}`;
    a.id = "statement-link";
    a.textContent = "see it, and check it in your browser";
    el.append(a);
  } catch (e) {
    result("statement-status", false, "Not sent: " + e.message);
  }
});
