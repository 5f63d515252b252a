import fc from 'fast-check'
import type { Backend } from '../support/backends.js'
import { fuzzCase, type FuzzCase } from './case.js'
import { runFuzzCase, type Outcome } from './run-case.js'

export interface FuzzFigures {
  backend: string
  seed: number
  cases: number
  refused: number
  applied: number
  invalid: number
  /** The shrunk failing case, as a test to paste into test/fuzz/regressions.test.ts. */
  failure?: string
}

/** Runs `cases` random cases on `backend`; on a failure, fast-check shrinks it and the figures carry a ready-to-paste test. */
export async function fuzz(backend: Backend, cases: number, seed: number): Promise<FuzzFigures> {
  const figures: FuzzFigures = { backend: backend.name, seed, cases: 0, refused: 0, applied: 0, invalid: 0 }
  let shrinking = false
  const result = await fc.check(
    fc.asyncProperty(fuzzCase, async (c) => {
      const r = await runFuzzCase(backend, c)
      if (!shrinking) {
        figures.cases++
        figures[r.outcome]++
      }
      if (r.failure) {
        shrinking = true
        throw new Error(r.failure)
      }
    }),
    { numRuns: cases, seed, endOnFailure: false },
  )
  if (result.failed && result.counterexample) figures.failure = pasteableTest(backend, result.counterexample[0] as FuzzCase, String(result.errorInstance ?? ''), seed)
  return figures
}

export function pasteableTest(backend: Backend, c: FuzzCase, error: string, seed: number): string {
  const message = error.replace(/^Error: /, '').split('\n')[0]!
  return [
    `// fuzz seed ${seed} on ${backend.name}: ${message}`,
    `it(${JSON.stringify(`fuzz: ${message.slice(0, 80)}`)}, async () => {`,
    `  const c: FuzzCase = ${JSON.stringify(c, null, 2).replace(/\n/g, '\n  ')}`,
    `  expect((await runFuzzCase(${backend.name}Backend, c)).failure).toBeUndefined()`,
    `})`,
  ].join('\n')
}

export type { Outcome }
