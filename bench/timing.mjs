// Timing helpers shared by the benchmarks. Figures are best-of-N to damp a shared machine's noise.

/** Milliseconds, one decimal. */
export const ms = (t) => Number(t.toFixed(1))

/** [elapsed ms, result] of one call. */
export async function time(fn) {
  const t0 = performance.now()
  const r = await fn()
  return [performance.now() - t0, r]
}

/** [best elapsed ms, last result] over `times` calls. */
export async function best(times, fn) {
  let min = Infinity
  let last
  for (let i = 0; i < times; i++) {
    const [t, r] = await time(fn)
    min = Math.min(min, t)
    last = r
  }
  return [min, last]
}

/**
 * Shipshape beside the raw driver doing the same work: alternating rounds (which goes first
 * alternates too), best of each, as a row {name, shipshape_ms, raw_ms, ratio}.
 */
export async function compareWithRaw(name, shipshape, raw, rounds = 3) {
  let bestS = Infinity
  let bestR = Infinity
  for (let k = 0; k < rounds; k++) {
    globalThis.gc?.()
    if (k % 2 === 0) {
      bestR = Math.min(bestR, (await time(raw))[0])
      bestS = Math.min(bestS, (await time(shipshape))[0])
    } else {
      bestS = Math.min(bestS, (await time(shipshape))[0])
      bestR = Math.min(bestR, (await time(raw))[0])
    }
  }
  return { name, shipshape_ms: Math.round(bestS), raw_ms: Math.round(bestR), ratio: Math.round((bestS / bestR) * 100) / 100 }
}
