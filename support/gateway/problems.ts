/**
 * The dispatcher's error catalogue and status families, as the contract both sides share: the error kinds with
 * their `type` and `title` (`it-fse-gtw-dispatcher` `RestExecutionResultEnum`; national guide "Interfacce REST
 * Gateway" §14.1.1), the `instance` values (`ErrorInstanceEnum`), and the HTTP status of each kind in each
 * exception family (V `ValidationErrorException`, P `ValidationPublicationErrorException`, R raw
 * `ValidationException`; `ErrorHandlerSRV` and `ControllerExceptionHandler`).
 * How a simulated answer is serialised (key order, trace ids) is the simulator's job: simulator/answers.ts.
 */

export type ErrorKind =
  | 'MINING_CDA_ERROR' | 'VALIDATOR_ERROR' | 'SYNTAX_ERROR' | 'SEMANTIC_ERROR' | 'VOCABULARY_ERROR'
  | 'CDA_MATCH_ERROR' | 'EMPTY_FILE_ERROR' | 'DOCUMENT_TYPE_ERROR' | 'DOCUMENT_HASH_VALIDATION_ERROR'
  | 'MANDATORY_ELEMENT_ERROR' | 'FORMAT_ELEMENT_ERROR' | 'MANDATORY_ELEMENT_ERROR_TOKEN' | 'INVALID_TOKEN_FIELD'
  | 'INVALID_ID_DOC' | 'GENERIC_TIMEOUT' | 'WORKFLOW_ID_ERROR' | 'RECORD_NOT_FOUND' | 'GENERIC_ERROR'
  | 'MISSING_TOKEN' | 'EDS_EXCEPTION' | 'OLDER_DAY' | 'SIMULATION_EXCEPTION' | 'SIGN_EXCEPTION'
  | 'CONNECTION_REFUSED' | 'INVALID_WII' | 'UNAUTHORIZED';

export const CATALOGUE: Record<ErrorKind, { type: string; title: string }> = {
  MINING_CDA_ERROR: { type: '/msg/cda-element', title: 'Errore in fase di estrazione del CDA.' },
  VALIDATOR_ERROR: { type: '/msg/validator', title: 'Errore di validazione' },
  SYNTAX_ERROR: { type: '/msg/syntax', title: 'Errore di sintassi.' },
  SEMANTIC_ERROR: { type: '/msg/semantic', title: 'Errore semantico.' },
  VOCABULARY_ERROR: { type: '/msg/vocabulary', title: 'Errore vocabolario.' },
  CDA_MATCH_ERROR: { type: '/msg/cda-match', title: "Errore in fase di recupero dell'esito della verifica." },
  EMPTY_FILE_ERROR: { type: '/msg/empty-file', title: 'File vuoto.' },
  DOCUMENT_TYPE_ERROR: { type: '/msg/document-type', title: 'Il documento non è pdf.' },
  DOCUMENT_HASH_VALIDATION_ERROR: { type: '/msg/document-hash', title: 'Verifica hash fallita.' },
  MANDATORY_ELEMENT_ERROR: { type: '/msg/mandatory-element', title: 'Campo obbligatorio non presente.' },
  FORMAT_ELEMENT_ERROR: { type: '/msg/invalid-format', title: 'Formato campo non valido.' },
  MANDATORY_ELEMENT_ERROR_TOKEN: { type: '/msg/mandatory-element-token', title: 'Token JWT non valido.' },
  INVALID_TOKEN_FIELD: { type: '/msg/jwt-validation', title: 'Campo token JWT non valido.' },
  INVALID_ID_DOC: { type: '/msg/id-doc', title: 'Campo id documento non valido' },
  GENERIC_TIMEOUT: { type: '/msg/generic-timeout', title: 'Generic timeout.' },
  WORKFLOW_ID_ERROR: { type: '/msg/workflow-id-error-extraction', title: 'Errore in fase di estrazione del workflow id.' },
  RECORD_NOT_FOUND: { type: '/msg/record-not-found', title: 'Record non trovato.' },
  GENERIC_ERROR: { type: '/msg/generic-error', title: 'Errore generico.' },
  MISSING_TOKEN: { type: '/msg/missing-token', title: 'Token non fornito.' },
  EDS_EXCEPTION: { type: '/msg/eds-error', title: 'Eds error.' },
  OLDER_DAY: { type: '/msg/max-day-limit-exceed', title: 'Error: document exceeded the maximum period to be published.' },
  SIMULATION_EXCEPTION: { type: '/msg/simulation-error', title: 'Simulation Error.' },
  SIGN_EXCEPTION: { type: '/msg/sign-error', title: 'Sign error' },
  CONNECTION_REFUSED: { type: '/msg/connection-refused', title: 'Connection refused' },
  // E12 `GET /v1/status/{wii}` only (gateway-impl.md §3.1: "INVALID_WII | `/msg/wii` | Campo worflow instance id non
  // valido (sic) | E12 with `UNKNOWN_WORKFLOW_ID`"; "UNAUTHORIZED | `/msg/unauthorized` | Unauthorized access | E12
  // sub/issuer mismatch → **401**, instance `/msg/invalid-issuer-sub`").
  INVALID_WII: { type: '/msg/wii', title: 'Campo worflow instance id non valido' },
  UNAUTHORIZED: { type: '/msg/unauthorized', title: 'Unauthorized access' },
};

/** Error instances (`ErrorInstanceEnum`). */
export const INSTANCE = {
  NO_INFO: '',
  CDA_EXTRACTION: '/cda-extraction',
  CDA_NOT_VALIDATED: '/cda-validation',
  DIFFERENT_HASH: '/jwt-hash-match',
  MISSING_FIELD: '/request-missing-field',
  INVALID_DATE_FORMAT: '/request-invalid-date-format',
  DOCUMENT_TYPE: '/jwt-document-type',
  PERSON_ID: '/jwt-person-id',
  MISSING_JWT: '/missing-jwt',
  MISSING_JWT_FIELD: '/jwt-mandatory-field-missing',
  JWT_MALFORMED_FIELD: '/jwt-mandatory-field-malformed',
  INVALID_ID: '/invalid-id',
  INVALID_REQ_ID: '/invalid-req-id',
  NON_PDF_FILE: '/multipart-file',
  EMPTY_FILE: '/empty-multipart-file',
  OLDER_DAY: '/msg/max-day-limit-exceed',
  SIMULATION: '/msg/simulation-error',
  SIGN: '/msg/sign-error',
  VALIDATION_ERROR: '/validation/error',
  VALIDATOR: '/msg/validator',
  WORKFLOW_ID: '/msg/workflow-id-error-extraction',
  CONNECTION_REFUSED: '/msg/connection-refused',
  RECORD_NOT_FOUND: '/record-not-found',
  INVALID_ISSUER_SUB: '/msg/invalid-issuer-sub',
} as const;

/** An application error (the dispatcher's `ValidationException` with its `ErrorResponseDTO`); the family decides its HTTP status. */
export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly detail: string;
  readonly instance: string;
  /** Forces the HTTP status regardless of the family (404 IniException, 500 connection refused...). */
  readonly fixedStatus?: number;
  /** Raised in the publication phase of a contextual operation: family P instead of V. */
  publicationPhase = false;
  /** A title other than the catalogue's (the connection-refused handler uses the exception message as title). */
  title?: string;
  constructor(kind: ErrorKind, detail: string, instance: string, fixedStatus?: number) {
    super(`${kind}: ${detail}`);
    this.kind = kind;
    this.detail = detail;
    this.instance = instance;
    this.fixedStatus = fixedStatus;
  }
}

export function appError(kind: ErrorKind, detail: string, instance: string, fixedStatus?: number): AppError {
  return new AppError(kind, detail, instance, fixedStatus);
}

/**
 * An exception the dispatcher's pipelines do not catch (a Java NullPointerException, a BusinessException…):
 * `ControllerExceptionHandler#handleGenericException` answers 500 `/msg/generic-error` with the exception's message,
 * instance `""` (docs/gateway-conditions.md family G).
 */
export function uncaught(message: string): AppError {
  return appError('GENERIC_ERROR', message || 'Errore generico', INSTANCE.NO_INFO, 500);
}

/**
 * A `ConnectionRefusedException` (`ControllerExceptionHandler#handleConnectionRefusedException`): 500,
 * type and instance `/msg/connection-refused`, title and detail the exception message (AC-03 "Timeout simulation",
 * VAL-05 "Connection refused").
 */
export function connectionRefused(message: string): AppError {
  const e = appError('CONNECTION_REFUSED', message, INSTANCE.CONNECTION_REFUSED, 500);
  e.title = message;
  return e;
}

/** Marks an error as raised during the publication phase (family P for contextual operations). */
export function publication<T extends AppError>(e: T): T {
  e.publicationPhase = true;
  return e;
}

export type Family = 'V' | 'P' | 'R';

export interface StatusOptions {
  /** MISSING_TOKEN mapping: 'impl' per family, 'guide' always 403. */
  missingTokenStatus: 'impl' | 'guide';
}

/**
 * HTTP status of an application error in a family: `ErrorHandlerSRV.validationExceptionHandler` → V,
 * `publicationValidationExceptionHandler` → P, a plain `ValidationException` → R, each answered by
 * `ControllerExceptionHandler`.
 */
export function familyStatus(kind: ErrorKind, family: Family, o: StatusOptions): number {
  if (kind === 'MISSING_TOKEN' && o.missingTokenStatus === 'guide') return 403;
  switch (family) {
    case 'V':
      if (kind === 'SEMANTIC_ERROR') return 422;
      if (kind === 'MANDATORY_ELEMENT_ERROR_TOKEN' || kind === 'INVALID_TOKEN_FIELD' || kind === 'MISSING_TOKEN') return 403;
      if (kind === 'DOCUMENT_TYPE_ERROR') return 415;
      return 400;
    case 'P':
      if (kind === 'MANDATORY_ELEMENT_ERROR_TOKEN' || kind === 'INVALID_TOKEN_FIELD') return 403;
      if (kind === 'GENERIC_TIMEOUT') return 504;
      return 400;
    case 'R':
      if (kind === 'SEMANTIC_ERROR') return 422;
      if (kind === 'MANDATORY_ELEMENT_ERROR_TOKEN') return 401;
      if (kind === 'INVALID_TOKEN_FIELD') return 403;
      return 400;
  }
}
