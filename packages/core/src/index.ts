// @micro/core: a Flask-like web microframework for TypeScript on Node.js.
export { App, type AppOptions, type HandleOptions, type Logger, type SendResponse } from './app.js';
export { Blueprint, type BlueprintOptions } from './blueprint.js';
export {
  AppContext,
  RequestContext,
  OutsideContextError,
  request,
  session,
  g,
  currentApp,
  afterThisRequest,
  copyCurrentRequestContext,
  hasRequestContext,
  hasAppContext,
  type G,
} from './context.js';
export * from './errors.js';
export { Markup, escape } from './markup.js';
export { Request, type RawRequest, type JsonOptions, type RequestConfig } from './request.js';
export { RequestHeaders } from './request-headers.js';
export { Response, type ResponseBody, type ResponseInit, type DeleteCookieOptions } from './response.js';
export { HeaderMap, type HeadersInit } from './header-map.js';
export { makeResponse, InvalidResponseError, type ResponseValue, type ResponseReturnValue } from './make-response.js';
export { redirect, jsonify } from './helpers.js';
export { proxyFix, type ProxyFixOptions, type ProxyFixSettings } from './proxy-fix.js';
export { urlFor, type UrlForOptions } from './url-for.js';
export type {
  Handler,
  ParamsOf,
  RouteOptions,
  RouteDecorator,
  BeforeRequestHook,
  AfterRequestHook,
  TeardownHook,
  ErrorHandler,
} from './route-types.js';
export type { ErrorClass, ContextProcessor, TemplateFilter, TemplateGlobal, TemplateTest, TemplateRegistrar } from './scaffold.js';
export type { ListenOptions, MicroServer } from './node/listen.js';
export { requestListener } from './node/request-listener.js';
export { writeResponse } from './node/write-response.js';
export type { SessionData, SessionLike, SessionInterface } from './session-interface.js';
export { AppTestClient, type AppTestClientOptions } from './testing/app-test-client.js';
export {
  TestClient,
  TestResponse,
  type TestClientOptions,
  type TestRequestOptions,
  type TestTransport,
  type TestExchange,
  type PreparedRequest,
  type MultipartFile,
  type MultipartValue,
} from './testing/test-client.js';
export { CookieJar } from './cookie-jar.js';
export { serializeCookie, parseCookieHeader, type CookieOptions } from './cookies.js';
export {
  Config,
  ConfigError,
  DEFAULT_CONFIG,
  type ConfigValues,
  type CoreConfigValues,
  type KnownConfigKey,
  type ConfigKeySpec,
  type ConfigOptions,
  type ConfigFileLoader,
  type FromFileOptions,
  type FromPrefixedEnvOptions,
  type ConfigWarningLogger,
} from './config.js';
export { MultiDict } from './body/multidict.js';
export { FileStorage } from './body/file-storage.js';
export { secureFilename } from './body/secure-filename.js';
export { Router, Rule, type RouteMatch, type MatchTrace, type RouterOptions, type BuildOptions, type RuleOptions } from './routing/router.js';
export { BuildError, type RefusedValue } from './routing/build-error.js';
export { ValidationError } from './routing/validation-error.js';
export { BaseConverter, type ConverterArgs, type ConverterArg } from './routing/converter.js';
export {
  StringConverter,
  IntegerConverter,
  FloatConverter,
  PathConverter,
  AnyConverter,
  UUIDConverter,
  DEFAULT_CONVERTERS,
  type Converter,
  type ConverterClass,
  type ConverterFactory,
} from './routing/converters.js';
export { generatePasswordHash, checkPasswordHash, DEFAULT_PBKDF2_ITERATIONS, type PasswordHashOptions } from './security/password-hash.js';
export { AppLogger, defaultHandler, formatLogRecord, type LogLevel, type LogRecord, type LogHandler, type LoggerOwner } from './logger.js';
export {
  AppCli,
  type Command,
  type CommandSpec,
  type CommandArgument,
  type CommandOption,
  type CommandHandler,
  type ArgumentValues,
  type OptionValues,
} from './cli/app-cli.js';
export { sendFile, sendFromDirectory, type SendFileOptions, type SendFileSource } from './static/send-file.js';
export { RequestedRangeNotSatisfiable } from './static/range-not-satisfiable.js';
export { safeJoin } from './static/safe-join.js';
export type { AppTeardownHook } from './app.js';
export type { UrlValuePreprocessor, UrlDefaultsFunction } from './scaffold.js';
export type { BlueprintRegistrationOptions } from './blueprint.js';
export { View, MethodView, type ViewDecorator, type ViewClass, type ClassView } from './views.js';
