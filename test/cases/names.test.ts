import { nameCases } from './names.cases.js'
import { runCases } from './run-cases.js'

runCases('names cases', nameCases)
