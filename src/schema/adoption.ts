import type { Change } from './changes.js'
import type { Database, TableRef } from './ir.js'
import { findTable, tableKey } from './ir.js'

/**
 * A difference between the models and a database LoopBack created that is LoopBack's defect, not
 * a model change: listed with the plan, never blocking, applied only when asked (`adopt: 'fix'`,
 * `shipshape migrate --fix-adoption`).
 */
export interface AdoptionFinding {
  kind: 'non-unique-index' | 'missing-foreign-key'
  table: TableRef
  model?: string
  /** The index or foreign key concerned. */
  name: string
  message: string
  /** What applying the fix changes (left out of the plan unless `adopt: 'fix'`). */
  changes: Change[]
}

export interface AdoptionRules {
  /** The engine's LoopBack connector never creates foreign keys (SQLite): a declared one missing on an existing table is its defect. */
  foreignKeysNeverCreated: boolean
}

/**
 * Separates LoopBack's defects from the changes a diff found on a database LoopBack created:
 * - a unique index that LoopBack created non-unique (SQLite's connector makes every index plain);
 * - a declared foreign key that LoopBack never created (SQLite's connector creates none).
 * Everything else stays a change.
 */
export function separateAdoption(changes: Change[], current: Database, rules: AdoptionRules): { changes: Change[]; adoption: AdoptionFinding[] } {
  const adoption: AdoptionFinding[] = []
  const taken = new Set<Change>()
  for (const c of changes) {
    if (c.kind === 'add-index' && !c.isNewTable && c.index.isUnique) {
      const have = findTable(current, c.table)
      const cols = c.index.columns.map((x) => x.name).join('\0')
      const plain = have?.indexes.find((i) => !i.isUnique && i.columns.map((x) => x.name).join('\0') === cols)
      if (!plain) continue
      const drop = changes.find((d) => d.kind === 'drop-index' && tableKey(d.table) === tableKey(c.table) && d.index.name === c.index.name)
      const fix = drop ? [drop, c] : [c]
      fix.forEach((f) => taken.add(f))
      adoption.push({
        kind: 'non-unique-index',
        table: c.table,
        model: c.model,
        name: c.index.name,
        message:
          `index "${plain.name}" on "${tableKey(c.table)}" (${c.index.columns.map((x) => x.name).join(', ')}) was created non-unique by LoopBack; ` +
          `the model declares it unique. Apply with adopt: 'fix' (--fix-adoption) once no duplicates remain`,
        changes: fix,
      })
    } else if (c.kind === 'add-foreign-key' && !c.isNewTable && rules.foreignKeysNeverCreated) {
      taken.add(c)
      adoption.push({
        kind: 'missing-foreign-key',
        table: c.table,
        model: c.model,
        name: c.foreignKey.name,
        message:
          `foreign key "${c.foreignKey.name}" on "${tableKey(c.table)}" (${c.foreignKey.columns.join(', ')} → ${c.foreignKey.references.table}) ` +
          `was never created by LoopBack. Apply with adopt: 'fix' (--fix-adoption) once every row refers to an existing one`,
        changes: [c],
      })
    }
  }
  return { changes: changes.filter((c) => !taken.has(c)), adoption }
}
