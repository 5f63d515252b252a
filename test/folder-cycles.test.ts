import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

// The layout's promise: each folder of src/ is a layer, and layers depend one way. A cycle (repository
// importing the memory connector, which imported the repository) makes both folders one tangle.
// Files directly in src/ (errors, redact, the public index) are the shared base, not a folder.

const src = resolve(__dirname, '../src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

/** The top-level folder of src/ holding a file, or undefined for the files directly in src/. */
function folderOf(file: string): string | undefined {
  const parts = relative(src, file).split('/')
  return parts.length > 1 ? parts[0] : undefined
}

/** Relative specifiers a file imports or re-exports, types and dynamic imports included. */
function importsOf(text: string): string[] {
  const re = /\b(?:import|export)\b[^'";]*?\bfrom\s+'(\.{1,2}\/[^']+)'|\bimport\(\s*'(\.{1,2}\/[^']+)'\s*\)/g
  return [...text.matchAll(re)].map((m) => (m[1] ?? m[2])!)
}

/** Folder → folders it imports from, each edge with one file that makes it (for the message). */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>()
  for (const file of sourceFiles(src)) {
    const from = folderOf(file)
    if (!from) continue
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const to = folderOf(resolve(dirname(file), spec))
      if (!to || to === from) continue
      if (!graph.has(from)) graph.set(from, new Map())
      if (!graph.get(from)!.has(to)) graph.get(from)!.set(to, `${relative(src, file)} imports ${spec}`)
    }
  }
  return graph
}

/** One cycle as its edges' evidence, or undefined when the graph is acyclic. */
function findCycle(graph: Map<string, Map<string, string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (node: string): string[] | undefined => {
    state.set(node, 'open')
    path.push(node)
    for (const next of graph.get(node)?.keys() ?? []) {
      if (state.get(next) === 'open') {
        const loop = [...path.slice(path.indexOf(next)), next]
        return loop.slice(1).map((to, i) => graph.get(loop[i]!)!.get(to)!)
      }
      if (!state.has(next)) {
        const found = visit(next)
        if (found) return found
      }
    }
    path.pop()
    state.set(node, 'done')
    return undefined
  }
  for (const node of graph.keys()) {
    if (state.has(node)) continue
    const found = visit(node)
    if (found) return found
  }
  return undefined
}

describe('src/ folders', () => {
  it('depend on each other without a cycle', () => {
    expect(findCycle(folderGraph())).toBeUndefined()
  })

  it('are read from the real imports (the graph sees the repository using the datasource)', () => {
    const graph = folderGraph()
    expect(graph.get('repository')?.has('datasource')).toBe(true)
    expect(graph.get('schema')?.has('dialects')).toBeFalsy()
  })

  it('finds a cycle when one is there', () => {
    const graph = new Map([
      ['a', new Map([['b', 'a/x.ts imports ../b/y.js']])],
      ['b', new Map([['c', 'b/y.ts imports ../c/z.js']])],
      ['c', new Map([['a', 'c/z.ts imports ../a/x.js']])],
    ])
    expect(findCycle(graph)).toEqual(['a/x.ts imports ../b/y.js', 'b/y.ts imports ../c/z.js', 'c/z.ts imports ../a/x.js'])
  })
})
