import { columnCases } from './columns.cases.js'
import { runCases } from './run-cases.js'

runCases('column cases', columnCases)
