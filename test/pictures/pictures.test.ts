import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildPlan, marksFromChanges, mermaidDiagram, planReportHtml, schemaDiagram, sqliteDialect, svgDiagram, type Database, type Table } from '../../src/index.js'

const table = (name: string, columns: string[], fk?: { column: string; to: string }): Table => ({
  name,
  columns: [{ name: 'id', type: { kind: 'integer' }, isNullable: false, isAutoIncrement: true }, ...columns.map((c) => ({ name: c, type: { kind: 'text' as const }, isNullable: true }))],
  primaryKey: { columns: ['id'] },
  indexes: [],
  foreignKeys: fk ? [{ name: `fk_${fk.column}`, columns: [fk.column], references: { table: fk.to, columns: ['id'] }, onDelete: 'no action', onUpdate: 'no action', isOwned: true }] : [],
})

/** Text nodes and attribute values with every entity decoded: what a browser would show. */
const decode = (s: string) => s.replace(/&#(\d+);/g, (_m, n) => String.fromCharCode(Number(n)))

describe('pictures, offline: Mermaid, SVG and the plan report', () => {
  const db: Database = { tables: [table('TodoList', ['title']), table('Todo', ['title', 'todoListId'], { column: 'todoListId', to: 'TodoList' })] }

  it('Mermaid: an entity per table, keys, a relation per foreign key', () => {
    expect(mermaidDiagram(schemaDiagram(db))).toBe(
      [
        'erDiagram',
        '  TodoList["TodoList"] {',
        '    integer id PK "not null"',
        '    text title',
        '  }',
        '  Todo["Todo"] {',
        '    integer id PK "not null"',
        '    text title',
        '    text todoListId FK',
        '  }',
        '  Todo }o--|| TodoList : "todoListId → id"',
        '',
      ].join('\n'),
    )
  })

  it('marks follow the changes: an added column, a dropped table, a changed table', () => {
    const want: Database = { tables: [table('TodoList', ['title', 'color']), table('Todo', ['title', 'todoListId'], { column: 'todoListId', to: 'TodoList' })] }
    const color = want.tables[0]!.columns[2]!
    const marks = marksFromChanges([
      { kind: 'add-column', table: { name: 'TodoList' }, column: color },
      { kind: 'drop-table', table: db.tables[1]! },
    ])
    const d = schemaDiagram(want, { marks })
    expect(d.tables.map((t) => [t.name, t.mark ?? ''])).toEqual([['TodoList', 'changed'], ['Todo', 'removed']])
    expect(d.tables[0]!.columns.map((c) => [c.name, c.mark ?? ''])).toEqual([['id', ''], ['title', ''], ['color', 'added']])
  })

  it('any table and column names: SVG and report show them as text only, Mermaid keeps to its grammar', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 30 }), fc.string({ minLength: 1, maxLength: 30 }), async (tname, cname) => {
        const hostile: Database = { tables: [table(tname, [cname]), table('Todo', ['x', 'ref'], { column: 'ref', to: tname })] }
        const svg = await svgDiagram(schemaDiagram(hostile))
        // Markup comes from us only: no name reaches the output unescaped.
        const tags = [...svg.matchAll(/<\/?([a-zA-Z]+)/g)].map((m) => m[1])
        expect(new Set(tags)).toEqual(new Set(['svg', 'title', 'defs', 'marker', 'path', 'g', 'rect', 'text']))
        expect(svg).not.toMatch(/<(?!\/?(svg|title|defs|marker|path|g|rect|text)[ >])/)
        // What a browser shows is the name itself (clipped names end in an ellipsis).
        const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => decode(m[1]!))
        if (tname.length < 15) expect(texts).toContain(tname)
        const mermaid = mermaidDiagram(schemaDiagram(hostile))
        for (const line of mermaid.trim().split('\n').slice(1))
          expect(line).toMatch(/^(  [A-Za-z][\w]*\["[^"\\<>&`#;]*"\] \{|    \w+ \w+( PK| FK)?( "[^"\\<>&`#;]*")?|  \}|  \w+ \}o--\|\| \w+ : "[^"\\<>&`#;]*")$/)
        const plan = buildPlan([{ kind: 'create-table', table: hostile.tables[0]! }], sqliteDialect, { tables: [] }, 'autoupdate', [])
        const html = await planReportHtml([{ datasource: tname, plan, before: { tables: [] } }])
        const body = html.slice(html.indexOf('<body>'))
        const htmlTags = new Set([...body.matchAll(/<\/?([a-zA-Z0-9]+)/g)].map((m) => m[1]))
        for (const t of htmlTags) expect(['body', 'html', 'h1', 'h2', 'h3', 'p', 'span', 'section', 'table', 'tr', 'td', 'div', 'strong', 'ul', 'li', 'pre', 'i', 'svg', 'title', 'defs', 'marker', 'path', 'g', 'rect', 'text']).toContain(t)
      }),
      { numRuns: 150 },
    )
  }, 180_000)
})
