import type { FileStorage } from './file-storage.js';
import { MultiDict } from './multidict.js';

/** The result of parsing a form body: fields and files share one parse. */
export interface ParsedForm {
  form: MultiDict<string>;
  files: MultiDict<FileStorage>;
  /** Remove the temp files of spooled uploads; call it at request teardown. */
  cleanup(): Promise<void>;
}

export function emptyForm(): ParsedForm {
  return { form: new MultiDict(), files: new MultiDict(), cleanup: async () => {} };
}
