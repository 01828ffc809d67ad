/** Size limits for request bodies, resolved from the app config. `null` = no limit. */
export interface BodyLimits {
  /** `MAX_CONTENT_LENGTH`: the whole body, files included, in bytes. Default `null`. */
  maxContentLength: number | null;
  /**
   * `MAX_FORM_MEMORY_SIZE`: bytes of one non-file multipart field, or of a whole
   * urlencoded body. Default `500_000`.
   */
  maxFormMemorySize: number | null;
  /** `MAX_FORM_PARTS`: multipart parts (fields plus files). Default `1_000`. */
  maxFormParts: number | null;
}

/** Flask 3.1's defaults. */
export const DEFAULT_BODY_LIMITS: Readonly<BodyLimits> = Object.freeze({
  maxContentLength: null,
  maxFormMemorySize: 500_000, // 500 kB
  maxFormParts: 1_000,
});
