/** Errors a backend raises, typed so the API layer can map them to gRPC statuses. */

/** The backend cannot run on this machine (missing kernel feature, module not loaded, ...). */
export class BackendUnavailableError extends Error {
  constructor(readonly backend: string, readonly reason: string) {
    super(`backend ${backend} is not available: ${reason}`);
    this.name = 'BackendUnavailableError';
  }
}

/** A step of loading, attaching or reading failed; the message names the step and the cause. */
export class BackendError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackendError';
  }
}

/** The kernel side delivered records the reader cannot trust (wrong version, truncated, corrupt). */
export class CorruptRecordError extends BackendError {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptRecordError';
  }
}

/** The kernel pass cannot take the trace: its slots or its ring's guaranteed shares are used up. */
export class CapacityError extends BackendError {
  constructor(message: string) {
    super(message);
    this.name = 'CapacityError';
  }
}
