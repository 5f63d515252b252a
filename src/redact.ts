// The one place passwords are taken out of text. Every error Shipshape throws, every line the
// CLI prints (its --json output too), every debug line (NODE_DEBUG=shipshape) and every driver
// error Shipshape wraps goes through here, so a password can only leak by a way that skips all
// of them. Three nets, widest last:
//   1. secrets Shipshape was given (a config's password, a URL's password, raw and encoded),
//      replaced wherever they appear — this is what catches a password with a raw `@`, `/` or
//      space in text whose shape is unknown;
//   2. URL userinfo, up to the last `@` of the URL (a raw `@` in the password can't leave a tail);
//   3. `password=…`-style query parameters, key=value connection strings, JSON and object text.
import { debuglog, format } from 'node:util'

const MASK = '***'

/** Names whose values are secrets, in URLs' query strings, key=value strings and config objects. */
const SECRET_NAMES = 'password|pass|passwd|pwd|sslpassword|sslkey|secret|token|access_token|auth_token|api_key|apikey'
const SECRET_KEY = new RegExp(`^(?:${SECRET_NAMES})$`, 'i')

const known = new Set<string>()

/**
 * Registers a secret so every later redaction removes it wherever it appears (also percent-encoded).
 * Short strings are left out: masking every "ab" in a message would hide more than it protects.
 */
export function rememberSecret(secret: unknown): void {
  if (typeof secret !== 'string' || secret.length < 4) return
  known.add(secret)
  for (const encoded of [encodeURIComponent(secret), encodeURI(secret)]) if (encoded !== secret) known.add(encoded)
}

/** Registers the secrets of a datasource config: `password`, and the password inside `url`. */
export function rememberSecretsOf(config: { url?: unknown; password?: unknown } | undefined): void {
  if (!config) return
  rememberSecret(config.password)
  if (typeof config.url === 'string') {
    const pw = urlPassword(config.url)
    if (pw !== undefined) {
      rememberSecret(pw)
      try {
        rememberSecret(decodeURIComponent(pw))
      } catch {
        // Not valid percent-encoding: the raw form is registered already.
      }
    }
    for (const m of config.url.matchAll(new RegExp(`[?&;](?:${SECRET_NAMES})=([^&#]*)`, 'gi'))) rememberSecret(m[1])
  }
}

/** The password of a URL as written (raw: it may hold `@`, `/` or spaces), if it has one. */
function urlPassword(url: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^:@]*):(.*)@[^@]*$/is.exec(url.trim())
  return m ? m[2] : undefined
}

const SCHEME = /[a-z][a-z0-9+.-]*:\/\//gi

/** Masks URL passwords: from the first `:` of the userinfo to the URL's last `@`. */
function redactUrlUserinfo(text: string): string {
  let out = ''
  let last = 0
  for (const m of text.matchAll(SCHEME)) {
    const start = m.index + m[0].length
    if (start < last) continue
    // The URL can't reach past its line or the next URL. (Not past a quote either would be
    // tidier in JSON text, but a password may hold a quote; JSON is redacted before it is built.)
    const eol = text.indexOf('\n', start)
    let end = eol === -1 ? text.length : eol
    SCHEME.lastIndex = 0
    const next = text.slice(start, end).search(SCHEME)
    if (next !== -1) end = start + next
    const segment = text.slice(start, end)
    const colon = segment.indexOf(':')
    if (colon === -1) continue
    // Already masked: the first `@` after it ends the userinfo.
    const at = segment.startsWith(MASK + '@', colon + 1) ? colon + 1 + MASK.length : segment.lastIndexOf('@')
    if (at === -1 || at < colon || segment.slice(0, colon).includes('@') || segment.slice(0, colon).includes('/')) continue
    out += text.slice(last, start + colon + 1) + MASK
    last = start + at
  }
  return out + text.slice(last)
}

const PARAM = new RegExp(String.raw`((?:^|[\s?&;,({])(?:${SECRET_NAMES})\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&;,"')}]*)`, 'gi')
const JSON_FIELD = new RegExp(String.raw`("(?:${SECRET_NAMES})"\s*:\s*)"(?:[^"\\]|\\.)*"`, 'gi')
// util.inspect quotes with ', or " or ` when the string holds a '.
const OBJECT_FIELD = new RegExp(String.raw`(\b(?:${SECRET_NAMES})\s*:\s*)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\`(?:[^\`\\]|\\.)*\`)`, 'gi')

/**
 * `text` with every password taken out: URL userinfo, `password=`/`sslkey=`… parameters,
 * key=value connection strings, JSON and inspected objects, and every registered secret.
 * @example redact('postgres://u:p@ss w/rd@db:5432/app?sslpassword=x') // 'postgres://u:***@db:5432/app?sslpassword=***'
 */
export function redact(text: string): string {
  let s = String(text)
  for (const secret of known) if (s.includes(secret)) s = s.split(secret).join(MASK)
  s = redactUrlUserinfo(s)
  s = s.replace(PARAM, (_m, head: string) => head + MASK)
  s = s.replace(JSON_FIELD, (_m, head: string) => `${head}"${MASK}"`)
  s = s.replace(OBJECT_FIELD, (_m, head: string, value: string) => `${head}${value[0]}${MASK}${value[0]}`)
  return s
}

/** A copy of a config object (or any value) with secret fields masked and strings redacted. */
export function redactValue<T>(value: T, seen = new WeakMap<object, unknown>()): T {
  if (typeof value === 'string') return redact(value) as T
  if (value === null || typeof value !== 'object') return value
  if (seen.has(value)) return seen.get(value) as T
  if (Array.isArray(value)) {
    const out: unknown[] = []
    seen.set(value, out)
    for (const v of value) out.push(redactValue(v, seen))
    return out as T
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value
  const out: Record<string, unknown> = {}
  seen.set(value, out)
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null ? MASK : redactValue(v, seen)
  return out as T
}

/**
 * Redacts an error in place, with its cause chain: message, stack, and string fields such as
 * `input` (Node's URL errors keep the whole URL there, and `console.error(err)` prints it).
 */
export function redactError<E>(error: E, seen = new WeakSet<object>()): E {
  if (!error || typeof error !== 'object' || seen.has(error)) return error
  seen.add(error)
  const e = error as Record<string, unknown>
  for (const key of [...Object.getOwnPropertyNames(e), 'message', 'stack']) {
    let v: unknown
    try {
      v = e[key]
    } catch {
      continue
    }
    try {
      if (typeof v === 'string') {
        const r = SECRET_KEY.test(key) ? MASK : redact(v)
        if (r !== v) Object.defineProperty(e, key, { value: r, writable: true, configurable: true, enumerable: Object.prototype.propertyIsEnumerable.call(e, key) })
      } else if (v instanceof Error) redactError(v, seen)
      else if (Array.isArray(v)) v.forEach((x) => redactError(x, seen))
      else if (v && typeof v === 'object' && key !== 'cause') {
        const r = redactValue(v)
        if (r !== v) e[key] = r
      }
    } catch {
      // A frozen or exotic field: left as it is.
    }
  }
  if ('cause' in e) redactError(e.cause, seen)
  return error
}

const rawDebug = debuglog('shipshape')

/** A NODE_DEBUG=shipshape line, redacted like every other output. */
export function debug(fmt: string, ...args: unknown[]): void {
  if (rawDebug.enabled) rawDebug('%s', redact(format(fmt, ...args)))
}
