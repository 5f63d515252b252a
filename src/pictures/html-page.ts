import { createHash } from 'node:crypto'
import { escapeHtml as esc } from './escape.js'

/** Styles shared by the diagram page and the plan report. */
export const PAGE_STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#24292f;margin:24px;max-width:1200px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px;font-family:ui-monospace,monospace}
.muted{color:#57606a}.diagram svg{max-width:100%;height:auto}.diagram{overflow:auto;border:1px solid #d0d7de;border-radius:6px;padding:8px;background:#f6f8fa}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.added{background:#1a7f37}.removed{background:#cf222e}.changed{background:#9a6700}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff;margin-right:6px}
.risk-safe{background:#1a7f37}.risk-scan{background:#0969da}.risk-rewrite{background:#9a6700}.risk-destructive{background:#cf222e}
.change{border:1px solid #d0d7de;border-left-width:5px;border-radius:6px;padding:8px 12px;margin:8px 0;background:#fff}
.change.risk-safe,.change.risk-scan,.change.risk-rewrite,.change.risk-destructive{background:#fff}
.change.risk-safe{border-left-color:#1a7f37}.change.risk-scan{border-left-color:#0969da}.change.risk-rewrite{border-left-color:#9a6700}.change.risk-destructive{border-left-color:#cf222e}
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px;overflow:auto;font-size:12px;white-space:pre-wrap}
ul{margin:4px 0;padding-left:20px}.finding{color:#cf222e}.summary td{padding:2px 12px 2px 0}
.columns{display:flex;gap:16px;flex-wrap:wrap}.columns>div{flex:1 1 480px;min-width:0}
`

/**
 * A self-contained HTML page: no scripts, no external resources, and a Content-Security-Policy
 * that allows only its own stylesheet (by hash), so nothing a model or catalog name smuggles
 * in can run or load anything.
 */
export function htmlPage(title: string, body: string): string {
  const style = PAGE_STYLE
  const hash = createHash('sha256').update(style).digest('base64')
  const csp = `default-src 'none'; style-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'`
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${style}</style>`,
    '</head><body>',
    body,
    '</body></html>',
  ].join('\n')
}

export function legend(labels: Partial<Record<'added' | 'removed' | 'changed', string>>): string {
  const items = Object.entries(labels).map(([k, v]) => `<span><i class="${k}"></i>${esc(v!)}</span>`)
  return `<p class="legend">${items.join('')}<span class="muted">PK primary key · FK foreign key · ! not null</span></p>`
}
