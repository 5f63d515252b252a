import { indexCases } from './indexes.cases.js'
import { runCases } from './run-cases.js'

runCases('indexes cases', indexCases)
