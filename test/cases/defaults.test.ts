import { defaultCases } from './defaults.cases.js'
import { runCases } from './run-cases.js'

runCases('defaults cases', defaultCases)
