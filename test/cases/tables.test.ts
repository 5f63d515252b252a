import { tableCases } from './tables.cases.js'
import { runCases } from './run-cases.js'

runCases('tables cases', tableCases)
