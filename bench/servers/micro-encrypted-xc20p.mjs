// micro with encrypted cookie sessions, XChaCha20-Poly1305 through libsodium (JWE dir + XC20P),
// the primitive family @fastify/secure-session uses. Needs the optional sodium-native.
import { startMicro } from './lib/micro-app.mjs';

await startMicro({ SESSION_TYPE: 'encrypted-cookie', SESSION_ENCRYPTION: 'XC20P' });
