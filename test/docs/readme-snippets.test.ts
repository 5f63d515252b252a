import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

/** The ```ts blocks of a Markdown file, with the line each starts on. */
function tsBlocks(file: string): Array<{ line: number; code: string }> {
  const text = readFileSync(file, 'utf8')
  const blocks: Array<{ line: number; code: string }> = []
  for (const m of text.matchAll(/^```ts\n([\s\S]*?)^```/gm)) blocks.push({ line: text.slice(0, m.index).split('\n').length, code: m[1]! })
  return blocks
}

// What README snippets import from the reader's own project, as the README describes it.
const PROJECT_FILES: Record<string, string> = {
  'models/todo.model.ts': `import {Entity, model, property} from 'shipshape'
@model()
export class Todo extends Entity {
  @property({type: 'number', id: true, generated: true}) id?: number
  @property({type: 'string', required: true}) title!: string
  @property({type: 'boolean'}) isComplete?: boolean
  @property({type: 'date'}) createdAt?: Date
}
`,
  'application.ts': `import {Application} from 'shipshape'\nexport class TodoListApplication extends Application {}\n`,
}

/**
 * Every TypeScript snippet of README.md compiles as written, under the repository's strict
 * settings, each as its own module: a snippet that uses a name imports it.
 */
describe('README.md snippets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shipshape-readme-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('compile', () => {
    const blocks = tsBlocks('README.md')
    expect(blocks.length).toBeGreaterThan(3)
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }))
    for (const [path, text] of Object.entries(PROJECT_FILES)) {
      mkdirSync(join(dir, path, '..'), { recursive: true })
      writeFileSync(join(dir, path), text)
    }
    const files = blocks.map((b) => {
      const file = join(dir, `readme-line-${b.line}.ts`)
      writeFileSync(file, `${b.code}\nexport {}\n`)
      return file
    })
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: resolve('tsconfig.json'),
        compilerOptions: { noEmit: true, rootDir: '/', noUnusedLocals: false, types: ['node'], typeRoots: [resolve('node_modules/@types')] },
        files: [...files, ...Object.keys(PROJECT_FILES).map((p) => join(dir, p))],
        include: [],
      }),
    )
    let output = ''
    try {
      execFileSync(process.execPath, [resolve('node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' })
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? e)
    }
    // Errors name the README line of their snippet.
    expect(output.replaceAll(dir + '/', '')).toBe('')
  }, 120_000)
})
