/** Text made safe for HTML and SVG content and attribute values (every name comes from models or a catalog). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
}
