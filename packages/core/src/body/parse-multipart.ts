import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { BadRequest, HTTPException, PayloadTooLarge } from '../errors.js';
import type { BodyLimits } from './body-limits.js';
import { FileStorage, type FileStorageData } from './file-storage.js';
import { MultiDict } from './multidict.js';
import { emptyForm, type ParsedForm } from './parsed-form.js';
import { declaredLength, pumpBody, type BodyPump } from './pump-body.js';
import { SpooledFile } from './spooled-file.js';
import { TempFiles } from './temp-files.js';

/**
 * Parse a `multipart/form-data` body with busboy, streaming, limits enforced as
 * the bytes arrive:
 * - `MAX_CONTENT_LENGTH`: the whole body, files included → 413.
 * - `MAX_FORM_PARTS`: fields plus files → 413 at the first part over the limit.
 * - `MAX_FORM_MEMORY_SIZE`: each non-file field on its own, as in Werkzeug (it
 *   resets its counter per field); files do not count → 413. busboy keeps at most
 *   limit + 1 bytes of a field, so memory stays bounded until the field ends.
 * - A missing boundary, bad part headers or a truncated body → 400. (Werkzeug
 *   silently returns an empty form here; losing the user's data without a word
 *   is worse than a clear 400.) An empty body is an empty form, as in Werkzeug.
 *
 * Files stay in memory up to 500 KiB and are spooled to a temp file beyond;
 * on failure every temp file is removed before the promise rejects.
 */
export function parseMultipart(
  source: IncomingMessage | Buffer,
  contentType: string,
  limits: BodyLimits,
): Promise<ParsedForm> {
  const isBuffer = Buffer.isBuffer(source);
  const length = isBuffer ? source.length : declaredLength(source);
  if (length === 0) return Promise.resolve(emptyForm());
  if (isBuffer && limits.maxContentLength !== null && source.length > limits.maxContentLength) {
    return Promise.reject(new PayloadTooLarge(`The request body is larger than the ${limits.maxContentLength}-byte limit.`));
  }

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      // Field names and filenames are UTF-8 in every current browser (HTML spec).
      defParamCharset: 'utf8',
      defCharset: 'utf8',
      // Filenames as sent, as Werkzeug does; `secureFilename` is the caller's choice.
      preservePath: true,
      // One byte over the limit marks a field as truncated, i.e. too large.
      limits: { fieldSize: limits.maxFormMemorySize === null ? Infinity : limits.maxFormMemorySize + 1 },
    });
  } catch (error) {
    // busboy throws synchronously for a missing boundary; the body is left unread.
    return Promise.reject(new BadRequest('The multipart body has no boundary in its Content-Type.', { cause: error }));
  }

  return new Promise<ParsedForm>((resolve, reject) => {
    const temp = new TempFiles();
    const fields: Array<[string, string]> = [];
    const files: Array<Promise<[string, FileStorage]>> = [];
    const tasks: Array<Promise<unknown>> = [];
    let parts = 0;
    let settled = false;
    let pump: BodyPump | undefined;

    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      pump?.stop();
      parser.destroy();
      // Wait for the file tasks to stop writing before deleting what they wrote.
      void Promise.allSettled(tasks)
        .then(() => temp.removeAll())
        .finally(() => reject(asHttpError(error)));
    };

    const countPart = (): boolean => {
      parts += 1;
      if (limits.maxFormParts !== null && parts > limits.maxFormParts) {
        fail(new PayloadTooLarge(`The form has more than ${limits.maxFormParts} parts (MAX_FORM_PARTS).`));
        return false;
      }
      return true;
    };

    parser.on('field', (name, value, info) => {
      if (settled || !countPart()) return;
      if (info.valueTruncated) {
        fail(new PayloadTooLarge(`The form field "${name}" is larger than MAX_FORM_MEMORY_SIZE.`));
        return;
      }
      fields.push([name ?? '', value]);
    });

    parser.on('file', (name, stream, info) => {
      // Destroying the parser destroys the current file stream with an error;
      // it is reported through `fail`, never as an unhandled 'error' event.
      stream.on('error', () => {});
      if (settled || !countPart()) {
        stream.resume();
        return;
      }
      const fieldName = name ?? '';
      // busboy drops an empty `filename=""` (what a browser sends for an empty file
      // input) and reports the part, sent as application/octet-stream, as a file
      // without filename. Werkzeug keeps it as a file named '': so do we. (An
      // octet-stream part with no filename parameter at all, which browsers never
      // send, is thus a file here and a field in Werkzeug.)
      const filename = info.filename ?? '';
      const file = spool(stream, temp).then(
        ({ data, size }) =>
          [
            fieldName,
            new FileStorage({
              fieldName,
              filename,
              contentType: info.mimeType,
              size,
              headers: partHeaders(fieldName, filename, info.mimeType),
              data,
            }),
          ] as [string, FileStorage],
      );
      tasks.push(file.catch(fail));
      files.push(file);
    });

    parser.on('error', (error) => {
      // A body that ended before any byte is an empty form, not a broken one.
      if (!settled && pump !== undefined && pump.received === 0 && !isBuffer) {
        settled = true;
        pump.stop();
        resolve(emptyForm());
        return;
      }
      fail(new BadRequest('The multipart body is malformed or incomplete.', { cause: error }));
    });

    parser.on('close', () => {
      if (settled) return;
      // Files finish writing after busboy is done with them; wait, keeping their order.
      void Promise.all(files).then(
        (filePairs) => {
          if (settled) return;
          settled = true;
          resolve({
            form: new MultiDict(fields),
            files: new MultiDict(filePairs),
            cleanup: () => temp.removeAll(),
          });
        },
        fail,
      );
    });

    if (isBuffer) {
      parser.end(source);
      return;
    }
    const activePump = pumpBody(
      source,
      limits.maxContentLength,
      (chunk) => parser.write(chunk),
      (error) => {
        if (error) fail(error);
        else if (!settled) parser.end();
      },
    );
    pump = activePump;
    parser.on('drain', () => activePump.resume());
  });
}

/** Collect a file part, spooling to disk past the threshold. */
async function spool(stream: Readable, temp: TempFiles): Promise<{ data: FileStorageData; size: number }> {
  const file = new SpooledFile(temp);
  for await (const chunk of stream) await file.write(chunk as Buffer);
  return { data: await file.finish(), size: file.size };
}

/** busboy does not expose the raw part headers; rebuild the two that matter. */
function partHeaders(name: string, filename: string, contentType: string): Record<string, string> {
  const quote = (value: string): string => value.replace(/"/g, '%22').replace(/\r|\n/g, ' ');
  return {
    'content-disposition': `form-data; name="${quote(name)}"; filename="${quote(filename)}"`,
    'content-type': contentType,
  };
}

function asHttpError(error: unknown): unknown {
  return error instanceof HTTPException ? error : new BadRequest('The multipart body is malformed or incomplete.', { cause: error });
}
