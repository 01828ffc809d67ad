#!/usr/bin/env node
// What one call of each cryptographic primitive a session cookie needs costs, on the
// chosen Node, for a cookie-sized session: node:crypto against libsodium (sodium-native,
// what @fastify/secure-session calls). The figures behind issue 15's encrypted-cookie
// and session-write targets (docs/benchmarks.md, "Per-call cost of the primitives").
//
//   node bench/crypto-per-call.mjs [--node 24|22|20|system] [--rounds 15] [--calls 20000]
//
// Operations take turns round by round in one process; each row is the median of its
// rounds' ns per call, with the quartiles of those rounds beside it.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  randomBytes,
  randomFillSync,
  timingSafeEqual,
} from 'node:crypto';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { continueOnNode } from './lib/node-runtime.mjs';
import { DEFAULTS, parseNodeChoice } from './lib/options.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '15' },
    calls: { type: 'string', default: '20000' },
    node: { type: 'string', default: process.env.BENCH_NODE || DEFAULTS.node },
  },
});

// The code is timed in this process, so this process must be on the chosen node.
await continueOnNode(parseNodeChoice(values.node), import.meta.url);

const sodium = createRequire(import.meta.url)('sodium-native');
const rounds = Number(values.rounds);
const calls = Number(values.calls);

// A logged-in user's session as micro's signed cookie carries it (tagged JSON), and
// the JWE header an encrypted cookie authenticates as its AAD.
const PAYLOAD = '{"username":"bench","_created_at":1764950400}';
const PLAINTEXT = Buffer.from(PAYLOAD);
const AAD = Buffer.from('eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwia2lkIjoiMCJ9');
const KEY32 = randomBytes(32);
const KEY_OBJECT = createSecretKey(KEY32);
const HMAC_KEY = createSecretKey(randomBytes(20));
const HMAC_KEY_BYTES = randomBytes(20);

// Sealed once, opened on every call (a decrypt that fails would throw).
const IV12 = randomBytes(12);
const gcm = createCipheriv('aes-256-gcm', KEY_OBJECT, IV12).setAAD(AAD);
const GCM_CT = Buffer.concat([gcm.update(PLAINTEXT), gcm.final()]);
const GCM_TAG = gcm.getAuthTag();
const NONCE24 = randomBytes(24);
const XC_CT = Buffer.alloc(PLAINTEXT.length);
const XC_TAG = Buffer.alloc(16);
sodium.crypto_aead_xchacha20poly1305_ietf_encrypt_detached(XC_CT, XC_TAG, PLAINTEXT, AAD, null, NONCE24, KEY32);
const BOX = Buffer.alloc(PLAINTEXT.length + sodium.crypto_secretbox_MACBYTES);
sodium.crypto_secretbox_easy(BOX, PLAINTEXT, NONCE24, KEY32);
const SIGNATURE = Buffer.from(createHmac('sha1', HMAC_KEY).update(PAYLOAD).digest('base64url'), 'latin1');

let sink = 0;
const pool = Buffer.allocUnsafe(4096);
let poolOffset = pool.length;

/** name → one call; the name says who uses the call (micro, raw-node-flask, @fastify/secure-session) or that nobody does. */
const OPS = {
  'hmac-sha1 sign, KeyObject (micro, raw-node-flask)': () => {
    sink += createHmac('sha1', HMAC_KEY).update(PAYLOAD, 'utf8').digest('base64url').length;
  },
  'hmac-sha1 verify, KeyObject + timingSafeEqual': () => {
    const mac = Buffer.from(createHmac('sha1', HMAC_KEY).update(PAYLOAD, 'utf8').digest('base64url'), 'latin1');
    sink += timingSafeEqual(mac, SIGNATURE) ? 1 : 0;
  },
  'hmac-sha1 sign, Buffer key (not used)': () => {
    sink += createHmac('sha1', HMAC_KEY_BYTES).update(PAYLOAD, 'utf8').digest('base64url').length;
  },
  'aes-256-gcm encrypt, KeyObject (micro A256GCM)': () => {
    const c = createCipheriv('aes-256-gcm', KEY_OBJECT, IV12);
    c.setAAD(AAD);
    sink += c.update(PAYLOAD, 'utf8').length + c.final().length + c.getAuthTag().length;
  },
  'aes-256-gcm decrypt, KeyObject (micro A256GCM)': () => {
    const d = createDecipheriv('aes-256-gcm', KEY_OBJECT, IV12, { authTagLength: 16 });
    d.setAAD(AAD);
    d.setAuthTag(GCM_TAG);
    sink += d.update(GCM_CT).length + d.final().length;
  },
  'aes-256-gcm encrypt, Buffer key (not used)': () => {
    const c = createCipheriv('aes-256-gcm', KEY32, IV12);
    c.setAAD(AAD);
    sink += c.update(PAYLOAD, 'utf8').length + c.final().length + c.getAuthTag().length;
  },
  'xchacha20-poly1305 encrypt, libsodium (micro XC20P)': () => {
    const m = Buffer.from(PAYLOAD, 'utf8');
    const c = Buffer.allocUnsafe(m.length);
    const tag = Buffer.allocUnsafe(16);
    sodium.crypto_aead_xchacha20poly1305_ietf_encrypt_detached(c, tag, m, AAD, null, NONCE24, KEY32);
    sink += c.length;
  },
  'xchacha20-poly1305 decrypt, libsodium (micro XC20P)': () => {
    const m = Buffer.allocUnsafe(XC_CT.length);
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt_detached(m, null, XC_CT, XC_TAG, AAD, NONCE24, KEY32);
    sink += m.length;
  },
  'secretbox encrypt, libsodium (@fastify/secure-session)': () => {
    const m = Buffer.from(PAYLOAD, 'utf8');
    const box = Buffer.allocUnsafe(m.length + sodium.crypto_secretbox_MACBYTES);
    sodium.crypto_secretbox_easy(box, m, NONCE24, KEY32);
    sink += box.length;
  },
  'secretbox decrypt, libsodium (@fastify/secure-session)': () => {
    const m = Buffer.allocUnsafe(BOX.length - sodium.crypto_secretbox_MACBYTES);
    sink += sodium.crypto_secretbox_open_easy(m, BOX, NONCE24, KEY32) ? 1 : 0;
  },
  'randomBytes(24)': () => {
    sink += randomBytes(24).length;
  },
  '24 bytes from a 4 KiB randomFillSync pool (micro)': () => {
    if (poolOffset + 24 > pool.length) {
      randomFillSync(pool);
      poolOffset = 0;
    }
    sink += Buffer.from(pool.subarray(poolOffset, (poolOffset += 24))).length;
  },
  'sodium randombytes_buf(24) (@fastify/secure-session)': () => {
    const nonce = Buffer.allocUnsafe(24);
    sodium.randombytes_buf(nonce);
    sink += nonce.length;
  },
};

const names = Object.keys(OPS);
const perRound = Object.fromEntries(names.map((n) => [n, []]));
for (const name of names) for (let i = 0; i < calls; i++) OPS[name](); // warm-up
for (let r = 0; r < rounds; r++) {
  const order = names.map((_, i) => names[(i + r) % names.length]);
  for (const name of order) {
    const op = OPS[name];
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) op();
    perRound[name].push(Number(process.hrtime.bigint() - start) / calls);
  }
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
console.log(`Node ${process.version}, ${rounds} rounds × ${calls} calls, ${PLAINTEXT.length}-byte payload`);
console.log('| call | ns per call (median) | quartiles |');
console.log('| --- | --: | --- |');
for (const name of names) {
  const s = [...perRound[name]].sort((a, b) => a - b);
  console.log(`| ${name} | ${Math.round(quantile(s, 0.5))} | ${Math.round(quantile(s, 0.25))}–${Math.round(quantile(s, 0.75))} |`);
}
if (sink === 0) console.log('(nothing computed)');
