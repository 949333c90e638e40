/** Maps the service's typed errors to gRPC statuses, so every failure reaches the client as a specific code with a message. */
import { status, type ServiceError, Metadata } from '@grpc/grpc-js';
import { BackendError, BackendUnavailableError, CapacityError } from '../backends/errors';
import { SequenceOutOfRangeError, TooManyTracesError, TraceNotFoundError } from '../traces/errors';
import { PermissionDeniedError, UnauthenticatedError } from '../auth/errors';
import { LimitExceededError } from '../auth/limits';
import { InvalidSpecError } from './spec';

/** The status a client gets for `error`. */
export function toStatus(error: unknown): Partial<ServiceError> & { code: status; details: string } {
  const details = error instanceof Error ? error.message : String(error);
  let code = status.INTERNAL;
  if (error instanceof InvalidSpecError) code = status.INVALID_ARGUMENT;
  else if (error instanceof TraceNotFoundError) code = status.NOT_FOUND;
  else if (error instanceof BackendUnavailableError) code = status.FAILED_PRECONDITION;
  else if (error instanceof TooManyTracesError || error instanceof CapacityError) code = status.RESOURCE_EXHAUSTED;
  else if (error instanceof UnauthenticatedError) code = status.UNAUTHENTICATED;
  else if (error instanceof PermissionDeniedError) code = status.PERMISSION_DENIED;
  else if (error instanceof LimitExceededError) code = status.RESOURCE_EXHAUSTED;
  else if (error instanceof SequenceOutOfRangeError) code = status.OUT_OF_RANGE;
  else if (error instanceof BackendError) code = status.INTERNAL;
  return { code, details, metadata: new Metadata(), name: 'Error', message: details };
}
