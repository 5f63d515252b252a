import type { Column } from '../schema/ir.js'

/** Turns one value into another (never called with null or undefined). */
export type ValueConverter = (value: unknown) => unknown

/**
 * Value conversion for repositories, per column, chosen once per column and reused for every row:
 * `encoder(column)` gives what turns a JS value into what the driver binds (SQLite: boolean → 0/1,
 * Date → ISO-8601 text, object → JSON text), `decoder(column)` what turns a driver value back into the
 * JS type (0/1 → boolean, text → Date, JSON text → object, numeric string → number). Either returns
 * undefined when the driver's value is already right, so the hot path does nothing for that column.
 * @example
 *   const toDb = dialect.dml.values.encoder(column)
 *   const bound = value == null || !toDb ? value : toDb(value)
 */
export interface ValueCodec {
  encoder(column: Column): ValueConverter | undefined
  decoder(column: Column): ValueConverter | undefined
}

/** The driver's own values, as they are, both ways. */
export const driverValues: ValueCodec = {
  encoder: () => undefined,
  decoder: () => undefined,
}
