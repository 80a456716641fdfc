/**
 * How long a case worker has been held back by its render worker: time its thread sat idle while cases waited for
 * a free slot and no case was being assessed, every slot waiting for its documents. The case worker starts
 * rendering its own documents only once this reaches what starting to render costs it (RENDER_START_MS): the
 * ski-rental rule, which never loses more than that cost against knowing in advance whether the render worker will
 * fall behind for good. Idle time, not elapsed time: a held-back worker still writes the files of the cases whose
 * documents came back. The main thread sends one case ahead, so while it commits a group the worker may wait with
 * no case queued: that wait is not counted (the count errs toward rendering later).
 */
import { performance } from 'node:perf_hooks';

export interface HeldBackClock {
  /** Whether the worker is held back from now on. */
  set(heldBack: boolean): void;
  /** Milliseconds of idle time held back so far (the current stretch included). */
  total(): number;
}

/** A case worker's state: held back when cases wait for a slot, every slot is taken and none is being assessed. */
export function isHeldBack(state: { readonly running: number; readonly limit: number; readonly queued: number; readonly assessing: number }): boolean {
  return state.running === state.limit && state.queued > 0 && state.assessing === 0;
}

/** `idleMs`: the thread's idle time so far (by default its event loop's, which a worker thread has of its own). */
export function heldBackClock(idleMs: () => number = () => performance.eventLoopUtilization().idle): HeldBackClock {
  let done = 0;
  let since: number | undefined;
  return {
    set(heldBack) {
      if (heldBack && since === undefined) since = idleMs();
      else if (!heldBack && since !== undefined) {
        done += idleMs() - since;
        since = undefined;
      }
    },
    total: () => done + (since === undefined ? 0 : idleMs() - since),
  };
}
