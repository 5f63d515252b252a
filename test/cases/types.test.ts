import { typeCases } from './types.cases.js'
import { runCases } from './run-cases.js'

runCases('types cases', typeCases)
