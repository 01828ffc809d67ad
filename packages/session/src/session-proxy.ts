/**
 * The current request's session, as core's `session` proxy, typed as the
 * `Session` every @micro/session interface opens (so `toObject()`,
 * `changedKeys()` and friends are there). Augment `SessionData` in
 * `@micro/core` to type its keys.
 */
import { session as coreSession, type SessionData } from '@micro/core';
import type { Session } from './session.js';

export const session = coreSession as unknown as Session<SessionData>;
