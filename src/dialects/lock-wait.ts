import type { LockOptions } from './dialect.js'

/** How long a migration waits for another process's lock when `lockTimeout` is not given. */
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000

/** The lock wait `options` ask for, or the default. */
export function lockTimeoutMs(options: LockOptions): number {
  return options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS
}

export interface LockPolling {
  timeoutMs: number
  /** First pause between tries (default 20 ms); it doubles up to `maxDelayMs` (default 500 ms). */
  firstDelayMs?: number
  maxDelayMs?: number
  /** Spreads each pause over half to one and a half times itself, so that waiters don't retry in step. */
  hasJitter?: boolean
  /** Called once, after the first try fails. */
  onWait?: () => void
}

/**
 * The pause before try `attempt + 1` (counting from 0): `firstMs` doubling up to `maxMs`, spread
 * over half to one and a half times itself with jitter, so that waiters don't retry in step.
 */
export function backoffMs(attempt: number, o: { firstMs: number; maxMs: number; hasJitter?: boolean }): number {
  const ms = Math.min(o.firstMs * 2 ** attempt, o.maxMs)
  return o.hasJitter ? ms * (0.5 + Math.random()) : ms
}

/**
 * Tries `attempt` until it takes the lock, pausing with backoff between tries. Polled rather
 * than waited for on the server, so the wait is bounded: once `timeoutMs` has passed it throws
 * what `timedOut` gives (an error naming the lock and how to find its holder).
 */
export async function pollForLock(
  attempt: () => Promise<boolean> | boolean,
  polling: LockPolling,
  timedOut: () => Promise<Error> | Error,
): Promise<void> {
  const started = Date.now()
  const backoff = { firstMs: polling.firstDelayMs ?? 20, maxMs: polling.maxDelayMs ?? 500, hasJitter: polling.hasJitter }
  for (let n = 0; !(await attempt()); n++) {
    if (n === 0) polling.onWait?.()
    if (Date.now() - started > polling.timeoutMs) throw await timedOut()
    await new Promise((r) => setTimeout(r, backoffMs(n, backoff)))
  }
}
