// npm run fuzz -- --cases 2000 [--seed 42] [--backend sqlite|pglite|postgres|mysql]
import { backends } from '../support/backends.js'
import { fuzz } from './report.js'

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const cases = Number(arg('cases') ?? 100)
const seed = Number(arg('seed') ?? Date.now() % 2 ** 31)
const only = arg('backend')
if (only && !backends.some((b) => b.name === only)) {
  console.error(`Unknown backend "${only}": one of ${backends.map((b) => b.name).join(', ')}.`)
  process.exit(2)
}
let failed = false
for (const backend of backends.filter((b) => !only || b.name === only)) {
  const started = Date.now()
  const f = await fuzz(backend, cases, seed)
  console.log(
    `${backend.name}: seed ${seed}, ${f.cases} case(s): ${f.refused} refused, ${f.applied} applied, ${f.invalid} invalid model(s), ` +
      `${f.failure ? 'FAILED' : 'no failure'} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  )
  if (f.failure) {
    failed = true
    console.log(`\nShrunk to a minimal case; paste into test/fuzz/regressions.test.ts:\n\n${f.failure}\n`)
  }
}
process.exit(failed ? 1 : 0)
