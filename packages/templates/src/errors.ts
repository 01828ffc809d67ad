/**
 * The errors of @micro/templates, Jinja's names: `TemplateError` is the base
 * of `TemplateNotFound`, `TemplateSyntaxError` and `TemplateRuntimeError`.
 * Each has a stable `code` (`MICRO_TEMPLATE_NOT_FOUND`, …) and a message that
 * names the template, and the file and line where there is one.
 */

export class TemplateError extends Error {
  /** Stable machine-readable code, e.g. `MICRO_TEMPLATE_NOT_FOUND`. */
  readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = 'MICRO_' + new.target.name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
  }
}

/** No folder on the search path has the template (or its name leaves the folder, as `../x.html`). */
export class TemplateNotFound extends TemplateError {
  readonly templateName: string;
  /** The folders searched, in order: the app's, then each blueprint's. */
  readonly searchPath: readonly string[];

  constructor(templateName: string, searchPath: readonly string[]) {
    const where = searchPath.length ? `Searched: ${searchPath.join(', ')}.` : 'No template folder is configured.';
    super(
      `Template ${JSON.stringify(templateName)} not found. ${where} ` +
        "Check the name (relative to a template folder, '/' between folders), or add its folder: " +
        'templates(app, { templateFolder }) or new Blueprint(name, { templateFolder }).',
    );
    this.templateName = templateName;
    this.searchPath = searchPath;
  }
}

/** Where in a template an error is. */
export interface TemplateLocation {
  /** The template's name (`blog/index.html`), or `<string>` for renderTemplateString. */
  templateName: string;
  /** The file it was loaded from; undefined for a string template. */
  filename?: string | undefined;
  /** 1-based line; undefined when the engine gave none. */
  lineno?: number | undefined;
  /** 1-based column; undefined when the engine gave none. */
  colno?: number | undefined;
}

/** The template does not parse: its message names the file and line. */
export class TemplateSyntaxError extends TemplateError {
  readonly templateName: string;
  readonly filename: string | undefined;
  readonly lineno: number | undefined;
  readonly colno: number | undefined;

  constructor(description: string, location: TemplateLocation, options?: { cause?: unknown }) {
    super(`${description}\n  ${describeLocation(location)}`, options);
    this.templateName = location.templateName;
    this.filename = location.filename;
    this.lineno = location.lineno;
    this.colno = location.colno;
  }
}

/**
 * Rendering failed: a function or filter the template called threw (the error
 * is the `cause`), or the template called something that is not a function.
 * HTTP errors (`abort(404)` in a template global) are not wrapped: they reach
 * the app's error handlers as themselves.
 */
export class TemplateRuntimeError extends TemplateError {
  readonly templateName: string;
  readonly lineno: number | undefined;

  constructor(description: string, location: TemplateLocation, options?: { cause?: unknown }) {
    super(`${description}\n  ${describeLocation(location)}`, options);
    this.templateName = location.templateName;
    this.lineno = location.lineno;
  }
}

function describeLocation({ templateName, filename, lineno, colno }: TemplateLocation): string {
  let text = `in template ${JSON.stringify(templateName)}`;
  if (filename) text += ` (${filename})`;
  if (lineno !== undefined) text += `, line ${lineno}`;
  if (colno !== undefined) text += `, column ${colno}`;
  return text;
}
