/** Access errors, typed so the API maps them to gRPC statuses (src/api/status.ts). */

/** A call without a valid identity: UNAUTHENTICATED. */
export class UnauthenticatedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnauthenticatedError';
  }
}

/** A call the caller's role, scope or ownership does not allow: PERMISSION_DENIED. */
export class PermissionDeniedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermissionDeniedError';
  }
}
