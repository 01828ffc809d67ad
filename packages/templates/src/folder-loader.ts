/**
 * Loads templates by name from a list of folders, first match wins (Flask's
 * DispatchingJinjaLoader: the app's folder, then each blueprint's). A Nunjucks
 * loader (synchronous `getSource`, `update` events), written here so that a
 * template is compiled as it is loaded (a syntax error names its own file,
 * not the template that extended it) and auto reload needs no file watcher.
 * A missing template is null, as Nunjucks expects (so `{% include 'x'
 * ignore missing %}` works); the engine reports it as `TemplateNotFound`.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Compiled } from './compile-template.js';

/** What a loader hands Nunjucks: precompiled code, as Nunjucks' own PrecompiledLoader does. */
export interface LoadedSource {
  src: { type: 'code'; obj: unknown };
  path: string;
  noCache: boolean;
}

/** Compiles one template's source; throws TemplateSyntaxError. */
export type CompileTemplate = (source: string, name: string, filename: string) => Compiled;

export class FolderLoader extends EventEmitter {
  /** Nunjucks' cache of compiled templates by name; Nunjucks assigns and empties it. */
  cache: Record<string, unknown> = {};
  // What each cached template was compiled from, for auto reload.
  private readonly sources = new Map<string, { filename: string; source: string; code: string }>();

  constructor(
    private readonly searchPath: () => string[],
    private readonly compile: CompileTemplate,
  ) {
    super();
  }

  getSource(name: string): LoadedSource | null {
    const pieces = splitTemplatePath(name);
    if (pieces) {
      for (const folder of this.searchPath()) {
        const filename = join(folder, ...pieces);
        const source = readTemplateFile(filename);
        if (source === undefined) continue;
        const { template, code } = this.compile(source, name, filename);
        this.sources.set(name, { filename, source, code });
        return { src: { type: 'code', obj: template }, path: filename, noCache: false };
      }
    }
    return null;
  }

  /** The file a cached template was loaded from, and its compiled code. */
  loaded(name: string): { filename: string; code: string } | undefined {
    return this.sources.get(name);
  }

  /** `./x.html` and `../x.html` are relative to the including template, as in Nunjucks. */
  isRelative(name: string): boolean {
    return name.startsWith('./') || name.startsWith('../');
  }

  resolve(from: string, to: string): string {
    return posix.join(posix.dirname(from), to);
  }

  /**
   * Auto reload: forget every cached template whose file changed or went
   * away, so the next render loads it again. Compares the text, not the
   * modification time, which file systems keep to a few milliseconds at best.
   */
  refresh(): void {
    for (const [name, { filename, source }] of this.sources) {
      if (readTemplateFile(filename) === source) continue;
      this.sources.delete(name);
      this.emit('update', name, filename);
    }
  }
}

/**
 * Jinja's split_template_path: '/'-separated pieces, without empty ones and
 * '.'; null for a name that climbs out of the folder with '..'.
 */
function splitTemplatePath(name: string): string[] | null {
  const pieces: string[] = [];
  for (const piece of name.split('/')) {
    if (piece === '..' || piece.includes('\0')) return null;
    if (piece && piece !== '.') pieces.push(piece);
  }
  return pieces.length ? pieces : null;
}

/** The file's text, or undefined when there is no such file. */
function readTemplateFile(filename: string): string | undefined {
  try {
    return readFileSync(filename, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return undefined;
    throw err;
  }
}
