/** Every bound an event must respect; the API, the SDK and the dashboard share them. */
export const LIMITS = {
  actorId: 256,
  actorEmail: 320,
  action: 128,
  resourceType: 64,
  resourceId: 256,
  userAgent: 1024,
  requestId: 128,
  /** Bytes of UTF-8 JSON. */
  metadataBytes: 16 * 1024,
  changesBytes: 64 * 1024,
  /** Events in one logMany call. */
  batch: 1000,
  /**
   * Bytes of the largest valid event as JSON: every text field at its limit with each
   * character escaped (6 bytes, `\u0001`), plus metadata and changes at theirs.
   */
  eventBytes: 128 * 1024,
  /** Bytes of one request: a logMany batch of events this large must be split. */
  requestBytes: 16 * 1024 * 1024,
  /** A client-chosen id may date an event this far back (a retry after an outage)... */
  idPastMs: 7 * 24 * 60 * 60 * 1000,
  /** ...and this far ahead, for clock skew between the caller and the server. */
  idFutureMs: 60 * 1000,
} as const;
