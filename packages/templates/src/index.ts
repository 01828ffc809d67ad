// @micro/templates: Jinja-style templates for micro, on Nunjucks. This file only re-exports.
export { templates, currentTemplates, Templates, type TemplatesOptions, type TemplateContext } from './templates.js';
export { renderTemplate, renderTemplateString } from './render-template.js';
export { TemplateError, TemplateNotFound, TemplateSyntaxError, TemplateRuntimeError, type TemplateLocation } from './errors.js';
export { strftime } from './strftime.js';
export { tojson } from './tojson.js';
