/**
 * Chooses the capture backend for a trace. `auto` takes the first available backend in
 * BACKEND_ORDER; a named backend is used only if it is available, never silently replaced.
 */
import { BACKEND_ORDER, type BackendName, type CaptureEngine, type RingFill } from './backend';
import { BackendUnavailableError } from './errors';

/** What TraceSpec.backend may say. */
export type BackendChoice = BackendName | 'auto';

/** Whether a string names a backend choice. */
export function isBackendChoice(value: string): value is BackendChoice {
  return value === 'auto' || (BACKEND_ORDER as readonly string[]).includes(value);
}

/** One backend's availability, as GetCapabilities reports it. */
export interface Capability {
  name: BackendName;
  available: boolean;
  reason: string;
}

/** Holds the engines this service was built with. */
export class BackendSelector {
  constructor(private readonly engines: readonly CaptureEngine[]) {}

  /** Every engine's ring fill, for those that report one and have their ring loaded. */
  ringFills(): { name: BackendName; fill: RingFill }[] {
    return this.engines.flatMap((e) => {
      const fill = e.ringFill?.();
      return fill ? [{ name: e.name, fill }] : [];
    });
  }

  /** Every engine with its availability, in `auto` order. */
  capabilities(): Capability[] {
    return this.engines.map((e) => ({ name: e.name, ...e.availability() }));
  }

  /** The engine `auto` would use now, if any. */
  defaultEngine(): CaptureEngine | undefined {
    return this.engines.find((e) => e.availability().available);
  }

  /** The engine for `choice`; throws BackendUnavailableError saying why when none fits. */
  pick(choice: BackendChoice): CaptureEngine {
    if (choice === 'auto') {
      const engine = this.defaultEngine();
      if (engine) return engine;
      const reasons = this.capabilities().map((c) => `${c.name}: ${c.reason}`).join('; ');
      throw new BackendUnavailableError('auto', `no capture backend is available (${reasons})`);
    }
    const engine = this.engines.find((e) => e.name === choice);
    if (!engine) throw new BackendUnavailableError(choice, 'not built into this service');
    const availability = engine.availability();
    if (!availability.available) throw new BackendUnavailableError(choice, availability.reason);
    return engine;
  }
}
