// Text placed in a generated migration file. Names and notes come from models and from the
// database catalog, and whoever can create an index can choose them: nothing they hold may end
// a comment or a string early, or the rest of the name would run as code (or SQL) when the
// migration is applied. So names only ever appear escaped: inside JSON.stringify'd strings,
// in template literals with every terminator escaped, or in one-line comments with line
// terminators and comment closers spelled out.

/** Line terminators of JavaScript and SQL, other control characters, and the Unicode line/paragraph separators. */
const UNSAFE_IN_COMMENT = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g

function escapeChar(ch: string): string {
  switch (ch) {
    case '\n':
      return '\\n'
    case '\r':
      return '\\r'
    case '\t':
      return '\\t'
    default:
      return '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0')
  }
}

/**
 * One line of comment text, safe after `//`, `--`, or inside `/* … *\/`: line terminators and
 * control characters are written as escapes (`\n`, `\u2028`) and `*\/` can't close a block.
 * @example commentText("i\nconsole.log('x')//") // "i\\nconsole.log('x')//"
 */
export function commentText(text: string): string {
  return text.replace(UNSAFE_IN_COMMENT, escapeChar).replace(/\*\//g, '*\\/')
}

/**
 * A JavaScript string literal holding `text` exactly: JSON.stringify, plus the two separators
 * older parsers end a line at.
 */
export function stringLiteral(text: string): string {
  return JSON.stringify(text).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
}

/**
 * A JavaScript template literal holding `sql` exactly, kept readable on several lines.
 * A raw CR inside a template literal would be read back as LF (ECMA-262 §12.9.6), and other
 * control characters are invisible in review, so those are escaped too.
 */
export function sqlLiteral(sql: string): string {
  const body = sql
    .replace(/\\/g, '\\\\')
    .replace(/`/g, '\\`')
    .replace(/\$\{/g, '\\${')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, escapeChar)
  return '`' + body + '`'
}
