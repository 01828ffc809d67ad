// micro with encrypted cookie sessions (compact JWE, dir + A256GCM).
import { startMicro } from './lib/micro-app.mjs';

await startMicro({ SESSION_TYPE: 'encrypted-cookie' });
