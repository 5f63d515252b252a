import { createHash } from 'node:crypto'

/**
 * The checksum of a migration file: sha256 of its text with line endings normalised, so a
 * checkout on Windows (CRLF) and on Linux (LF) agree, as does a leading byte-order mark.
 * @example
 *   migrationChecksum('CREATE TABLE t (x int);\r\n') === migrationChecksum('CREATE TABLE t (x int);\n') // true
 */
export function migrationChecksum(text: string): string {
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  return createHash('sha256').update(normalised, 'utf8').digest('hex')
}
