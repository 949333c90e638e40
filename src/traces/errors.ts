/** Errors of trace bookkeeping, typed so the API maps them to gRPC statuses. */

/** No running trace has this id. */
export class TraceNotFoundError extends Error {
  constructor(readonly traceId: string) {
    super(`no trace with id ${JSON.stringify(traceId)} (it may have stopped; ListTraces shows running traces)`);
    this.name = 'TraceNotFoundError';
  }
}

/** The service already runs as many traces as it is configured to. */
export class TooManyTracesError extends Error {
  constructor(limit: number) {
    super(`${limit} traces are already running (sctraced --max-traces); stop one with StopTrace first`);
    this.name = 'TooManyTracesError';
  }
}

/** StreamEvents asked for a sequence number the trace has not reached yet. */
export class SequenceOutOfRangeError extends Error {
  constructor(traceId: string, fromSequence: number, latest: number) {
    super(
      `from_sequence ${fromSequence} is beyond trace ${traceId}'s latest event ${latest}: ` +
        `use the last sequence received + 1 (at most ${latest + 1}), or 0 for new events only`,
    );
    this.name = 'SequenceOutOfRangeError';
  }
}
