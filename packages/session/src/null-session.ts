/**
 * Flask's `NullSession`: used when no secret key is set. Reading works (it is
 * always empty); every write throws `SessionUnavailableError` with Flask's message.
 */
import type { SessionData } from '@micro/core';
import { SessionUnavailableError } from './errors.js';
import { Session } from './session.js';

export class NullSession<T extends object = SessionData> extends Session<T> {
  constructor() {
    super(null, { isNew: true });
  }

  override set(..._args: unknown[]): never {
    throw new SessionUnavailableError();
  }

  override delete(..._args: unknown[]): never {
    throw new SessionUnavailableError();
  }

  override pop(..._args: unknown[]): never {
    throw new SessionUnavailableError();
  }

  override setdefault(..._args: unknown[]): never {
    throw new SessionUnavailableError();
  }

  override clear(..._args: unknown[]): never {
    throw new SessionUnavailableError();
  }

  override get permanent(): boolean {
    return false;
  }

  override set permanent(_value: boolean) {
    throw new SessionUnavailableError();
  }
}
