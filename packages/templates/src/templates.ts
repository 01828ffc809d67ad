/**
 * `templates(app)`: Jinja-style templates for an app, on Nunjucks (Jinja2's
 * syntax in JavaScript), set up as Flask sets up Jinja: the app's
 * `templates/` folder then each blueprint's, autoescape for HTML and XML
 * files, Flask's template context, and the filters, globals, tests and
 * context processors registered on the app and its blueprints.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HTTPException, currentApp, g, hasAppContext, hasRequestContext, request, session, type App } from '@micro/core';
import nunjucks, { type Environment } from 'nunjucks';
import { compileTemplate, templateLine, templateOnStack, type CompileOptions, type CompiledTemplate } from './compile-template.js';
import { TemplateError, TemplateNotFound, TemplateRuntimeError } from './errors.js';
import { FolderLoader } from './folder-loader.js';
import { plainArgs, splitKeywordArgs } from './keyword-args.js';
import { mappingView } from './mapping-view.js';
import { bridgeMarkup, toMarkup } from './markup-bridge.js';
import { readParsedBody, requestView } from './request-view.js';
import { strftime } from './strftime.js';
import { tojson } from './tojson.js';

export interface TemplatesOptions {
  /** The app's template folder: absolute, a `file:` URL, or relative to `app.rootPath`. Default: `'templates'`. */
  templateFolder?: string | URL;
  /**
   * Templates whose name ends with one of these are autoescaped; others
   * (`.txt`, `.md`) are not. Template strings always are. Default: Flask's,
   * `['.html', '.htm', '.xml', '.xhtml', '.svg']`.
   */
  autoescapeExtensions?: readonly string[];
  /** Drop the first newline after a block tag (Jinja's `trim_blocks`). Default: `false`. */
  trimBlocks?: boolean;
  /** Strip spaces and tabs before a block tag at the start of a line (Jinja's `lstrip_blocks`). Default: `false`. */
  lstripBlocks?: boolean;
  /** Keep the newline a template file ends with (Jinja's `keep_trailing_newline`). Default: `false`, as Jinja. */
  keepTrailingNewline?: boolean;
  /** Throw when a template outputs an undefined value (Jinja's StrictUndefined). Default: `false`. */
  throwOnUndefined?: boolean;
  /** Called with each Nunjucks environment as it is made (one autoescapes, one does not): add extensions here. */
  configureEnvironment?: (env: Environment, autoescape: boolean) => void;
}

/** Rendering context: names a template can use. */
export type TemplateContext = Record<string, unknown>;

const FLASK_AUTOESCAPE = ['.html', '.htm', '.xml', '.xhtml', '.svg'] as const;
const ENGINE = Symbol('micro.templates');
const STRING_TEMPLATE = '<string>';
const STRING_CACHE_SIZE = 100;
/** How Nunjucks words a name no loader has (the loader returned null). */
const NOT_FOUND = /^template not found: (.*)$/;
/** Jinja's `url_for(..., _external=True)` keywords and the UrlForOptions they are. */
const URL_FOR_OPTIONS: Record<string, string> = { _external: 'external', _anchor: 'anchor', _method: 'method', _scheme: 'scheme' };

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
interface WithTests {
  addTest(name: string, test: AnyFunction): unknown;
}

/**
 * Set up templates for `app` and return its engine. Call it once at start-up
 * (before or after registering filters and blueprints: those are read at
 * each render). Calling it again replaces the engine.
 */
export function templates(app: App, options: TemplatesOptions = {}): Templates {
  const engine = new Templates(app, options);
  (app as unknown as Record<symbol, unknown>)[ENGINE] = engine;
  return engine;
}

/** The engine `templates(app)` set up for the current app (a request or `app.appContext()`). */
export function currentTemplates(): Templates {
  const engine = (currentApp as unknown as Record<symbol, Templates | undefined>)[ENGINE];
  if (!engine) {
    throw new Error(
      'Templates are not set up for this app. Call templates(app) from @micro/templates at start-up, ' +
        'as sessions(app) sets up sessions.',
    );
  }
  return engine;
}

/** The templates of one app: a Nunjucks environment per autoescape setting, made on first use. */
export class Templates {
  private escaped: Environment | undefined;
  private plain: Environment | undefined;
  private readonly loaders = new Map<Environment, FolderLoader>();
  private readonly stringTemplates = new Map<string, nunjucks.Template>();
  private readonly stringCode = new WeakMap<nunjucks.Template, string>();
  private readonly autoescapeExtensions: readonly string[];
  private readonly compileOptions: CompileOptions;
  // The same wrapper for a function on every render, so syncing registries allocates nothing.
  private readonly wrapped = new WeakMap<AnyFunction, AnyFunction>();

  constructor(
    readonly app: App,
    private readonly options: TemplatesOptions = {},
  ) {
    bridgeMarkup();
    this.autoescapeExtensions = options.autoescapeExtensions ?? FLASK_AUTOESCAPE;
    this.compileOptions = { keepTrailingNewline: options.keepTrailingNewline ?? false };
  }

  /**
   * Render the template `name` (or the first of several names that exists)
   * with Flask's context plus `context`. Async because a form request's body
   * is read first, so the template can show `request.form['title']`.
   */
  async render(name: string | readonly string[], context: TemplateContext = {}): Promise<string> {
    const names = typeof name === 'string' ? [name] : [...name];
    if (!names.length || names.some((n) => typeof n !== 'string')) throw new TypeError('render() takes a template name or a list of names');
    const ctx = await this.templateContext(context);
    const template = this.select(names);
    return this.run(template.template, ctx, template.name);
  }

  /** Render template source (autoescaped, as Flask's `render_template_string`). */
  async renderString(source: string, context: TemplateContext = {}): Promise<string> {
    if (typeof source !== 'string') throw new TypeError('renderString() takes the template source as a string');
    const ctx = await this.templateContext(context);
    const env = this.environment(true);
    this.prepare(env);
    let template = this.stringTemplates.get(source);
    if (!template) {
      const compiled = compileTemplate(env, source, this.compileOptions, STRING_TEMPLATE);
      template = new nunjucks.Template({ type: 'code', obj: compiled.template } as unknown as string, env, STRING_TEMPLATE);
      this.stringCode.set(template, compiled.code);
      if (this.stringTemplates.size >= STRING_CACHE_SIZE) this.stringTemplates.delete(this.stringTemplates.keys().next().value!);
      this.stringTemplates.set(source, template);
    }
    return this.run(template, ctx, STRING_TEMPLATE, this.stringCode.get(template));
  }

  /** The folders searched for templates, in order: the app's, then each blueprint's that has one. */
  searchPath(): string[] {
    const root = this.app.rootPath;
    const folders = [folderPath(root, this.options.templateFolder ?? 'templates')];
    for (const bp of this.app.blueprints.values()) {
      if (bp.templateFolder !== null) folders.push(folderPath(root, bp.templateFolder));
    }
    return [...new Set(folders)];
  }

  /** True when templates named `name` are autoescaped (Flask's `select_jinja_autoescape`). */
  autoescapes(name: string | null): boolean {
    return name === null || this.autoescapeExtensions.some((ext) => name.endsWith(ext));
  }

  /** The Nunjucks environment for autoescaped (HTML) or plain templates; made on first use. */
  environment(autoescape: boolean): Environment {
    const existing = autoescape ? this.escaped : this.plain;
    if (existing) return existing;
    // The loader compiles with the environment it belongs to (its filters and extensions).
    let env: Environment | undefined;
    const loader = new FolderLoader(
      () => this.searchPath(),
      (source, name, filename) => compileTemplate(env!, source, this.compileOptions, name, filename),
    );
    env = new nunjucks.Environment(loader as unknown as nunjucks.ILoader, {
      autoescape,
      // Keeps the error a template raised as the `cause` of Nunjucks' error, so it can be reported as itself.
      dev: true,
      trimBlocks: this.options.trimBlocks ?? false,
      lstripBlocks: this.options.lstripBlocks ?? false,
      throwOnUndefined: this.options.throwOnUndefined ?? false,
    });
    this.addDefaults(env);
    this.options.configureEnvironment?.(env, autoescape);
    this.loaders.set(env, loader);
    if (autoescape) this.escaped = env;
    else this.plain = env;
    return env;
  }

  private select(names: string[]): { template: nunjucks.Template; name: string } {
    let notFound: TemplateNotFound | undefined;
    for (const name of names) {
      const env = this.environment(this.autoescapes(name));
      this.prepare(env);
      try {
        return { template: env.getTemplate(name, true), name };
      } catch (err) {
        const error = this.renderError(err, name);
        if (!(error instanceof TemplateNotFound)) throw error;
        notFound ??= error;
      }
    }
    if (names.length === 1) throw notFound!;
    throw new TemplateNotFound(names.join(', '), notFound!.searchPath);
  }

  private run(template: nunjucks.Template, ctx: TemplateContext, name: string, stringCode?: string): string {
    try {
      return template.render(ctx);
    } catch (err) {
      throw this.renderError(err, name, stringCode);
    }
  }

  /**
   * What to throw for an error out of Nunjucks. Nunjucks wraps what a
   * template raised in its own TemplateError (the `cause`): micro's template
   * errors and HTTP errors are thrown as themselves; anything else becomes a
   * TemplateRuntimeError naming the template and line.
   */
  private renderError(err: unknown, renderedName: string, stringCode?: string): unknown {
    const NunjucksError = nunjucks.lib.TemplateError;
    let inner = err;
    while (inner instanceof NunjucksError && inner.cause) inner = inner.cause;
    if (inner instanceof TemplateError || inner instanceof HTTPException) return inner;
    const missing = inner instanceof Error ? NOT_FOUND.exec(inner.message) : null;
    if (missing) return new TemplateNotFound(missing[1]!, this.searchPath());
    if (!(err instanceof NunjucksError)) return err;
    // The stack says whose code raised it and where; Nunjucks' own line (0-based while rendering) is the fallback.
    const position = templateOnStack(inner);
    const templateName = position?.templateName ?? renderedName;
    let loaded: { filename?: string; code: string } | undefined = stringCode === undefined ? undefined : { code: stringCode };
    for (const loader of this.loaders.values()) loaded ??= loader.loaded(templateName);
    const lineFromStack = position && loaded ? templateLine(loaded.code, position.codeLine, position.codeColumn) : undefined;
    return new TemplateRuntimeError(
      inner === err ? lastLine(err.message) : describe(inner),
      {
        templateName,
        filename: loaded?.filename,
        lineno: lineFromStack ?? (typeof err.lineno === 'number' ? err.lineno + 1 : undefined),
      },
      { cause: inner },
    );
  }

  /**
   * Before a render: the app's filters, globals and tests as registered now
   * (a blueprint registered late adds its own), and with auto reload,
   * templates whose files changed are dropped from the cache.
   */
  private prepare(env: Environment): void {
    const app = this.app;
    for (const [name, fn] of app.templateFilters) env.addFilter(name, this.forTemplates(fn as AnyFunction));
    // addTest is Nunjucks API its type definitions leave out.
    for (const [name, fn] of app.templateTests) (env as Environment & WithTests).addTest(name, this.forTemplates(fn as AnyFunction));
    for (const [name, value] of app.templateGlobals) env.addGlobal(name, typeof value === 'function' ? this.forTemplates(value as AnyFunction) : value);
    if (app.config.TEMPLATES_AUTO_RELOAD ?? app.config.DEBUG) this.loaders.get(env)!.refresh();
  }

  /** Functions get keyword arguments as a plain trailing object and Nunjucks' safe strings as Markup. */
  private forTemplates(fn: AnyFunction): AnyFunction {
    let wrapper = this.wrapped.get(fn);
    if (!wrapper) {
      wrapper = function (this: unknown, ...args: unknown[]) {
        return fn.apply(this, plainArgs(args).map(toMarkup));
      };
      this.wrapped.set(fn, wrapper);
    }
    return wrapper;
  }

  /**
   * What Flask puts in every environment: config, url_for,
   * get_flashed_messages (empty until sessions add theirs), the tojson
   * filter; plus strftime, for Python's `date.strftime()` calls.
   */
  private addDefaults(env: Environment): void {
    const app = this.app;
    const urlFor = (endpoint: string, ...args: unknown[]): string => {
      const [positional, keywords] = splitKeywordArgs(args);
      const values: Record<string, unknown> = { ...(positional[0] as object | undefined) };
      const options: Record<string, unknown> = { ...(positional[1] as object | undefined) };
      for (const [key, value] of Object.entries(keywords)) {
        if (Object.hasOwn(URL_FOR_OPTIONS, key)) options[URL_FOR_OPTIONS[key]!] = value;
        else values[key] = value;
      }
      return app.urlFor(endpoint, values, options);
    };
    const noFlashedMessages = (): unknown[] => [];
    env.addGlobal('config', app.config);
    env.addGlobal('url_for', urlFor);
    env.addGlobal('urlFor', urlFor);
    env.addGlobal('get_flashed_messages', noFlashedMessages);
    env.addGlobal('getFlashedMessages', noFlashedMessages);
    env.addFilter('tojson', this.forTemplates(tojson as AnyFunction));
    env.addFilter('strftime', this.forTemplates(strftime as AnyFunction));
  }

  /**
   * Flask's update_template_context: `g`, `request` and `session` (when
   * sessions are installed), then the context processors (the app's, then
   * the request's blueprints' from the outermost in), then the caller's
   * names, which win.
   */
  private async templateContext(extra: TemplateContext): Promise<TemplateContext> {
    const ctx: TemplateContext = {};
    const processors = [...this.app.templateContextProcessors];
    if (hasAppContext()) ctx.g = g;
    if (hasRequestContext()) {
      ctx.request = requestView(request, await readParsedBody(request));
      ctx.session = this.app.sessionInterface ? mappingView(() => session) : undefined;
      for (const name of request.blueprints.toReversed()) {
        const bp = this.app.blueprints.get(name);
        if (bp) processors.push(...bp.templateContextProcessors);
      }
    }
    for (const processor of processors) Object.assign(ctx, await processor());
    return Object.assign(ctx, extra);
  }
}

function folderPath(root: string, folder: string | URL): string {
  // resolve() keeps an absolute path (without a trailing slash) and puts a relative one under the root.
  return resolve(root, folder instanceof URL ? fileURLToPath(folder) : folder);
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err.name === 'Error' ? err.message : `${err.name}: ${err.message}`;
}

/** Nunjucks' message without the "(path) [Line n]" lines it prefixes. */
function lastLine(message: string): string {
  return message
    .split('\n')
    .filter((line) => !/^\s*\(.*\)( \[Line \d+(, Column \d+)?\])?$/.test(line))
    .join('\n')
    .trim();
}

export type { CompiledTemplate };
