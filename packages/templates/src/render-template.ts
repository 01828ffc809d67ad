/**
 * Flask's `render_template` and `render_template_string`, for the app of the
 * running request (or `app.appContext()`). Both return a promise of the HTML,
 * which a view can return as it is: `return renderTemplate('index.html', { posts })`.
 */
import { currentTemplates, type TemplateContext } from './templates.js';

/** Render a template file with Flask's context plus `context`; a list of names renders the first that exists. */
export async function renderTemplate(name: string | readonly string[], context?: TemplateContext): Promise<string> {
  return currentTemplates().render(name, context);
}

/** Render template source with Flask's context plus `context` (autoescaped). */
export async function renderTemplateString(source: string, context?: TemplateContext): Promise<string> {
  return currentTemplates().renderString(source, context);
}
