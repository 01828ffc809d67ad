#!/usr/bin/env node
// `npm run demo`: the set-up without the test services (quick when nothing changed),
// then the login demo in this same process (one Node start-up fewer).
import { setup } from './setup.mjs';

await setup({ services: false });
await import('../examples/login/bin/micro-login.js');
