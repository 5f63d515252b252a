import { InvalidArgumentError } from 'commander'

/**
 * Commander's parser for options taking a whole number (`--lock-timeout 5000`, `--steps 2`):
 * anything else is bad usage (exit 2) rather than a NaN that waits forever.
 */
export function wholeNumber(value: string): string {
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value)))
    throw new InvalidArgumentError(`expected a whole number ≥ 0, got ${JSON.stringify(value)}.`)
  return value.trim()
}

/** Like `wholeNumber`, and at least 1 (`--concurrency`, `--canary`). */
export function positiveNumber(value: string): string {
  const n = wholeNumber(value)
  if (Number(n) < 1) throw new InvalidArgumentError(`expected a whole number ≥ 1, got ${JSON.stringify(value)}.`)
  return n
}
