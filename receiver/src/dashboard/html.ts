// Server-rendered HTML: one escaping helper and one page layout. Pages hold no inline script or
// style (the CSP forbids both); behaviour comes from module scripts under /dashboard/assets.

export const ASSET_PATH = '/dashboard/assets';

/** A string already safe to place in HTML. */
export interface Html {
  readonly __html: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Tagged template: interpolated strings and numbers are escaped, Html values and arrays of them are not. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return { __html: out };
}

function render(value: unknown): string {
  if (value === undefined || value === null || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (typeof value === 'object' && '__html' in value) return String((value as Html).__html);
  return escapeHtml(String(value));
}

export interface PageOptions {
  readonly title: string;
  /** Module script name under ASSET_PATH, or none for a page without behaviour. */
  readonly script?: string;
  readonly charts?: boolean;
  readonly body: Html;
}

export function page(options: PageOptions): string {
  return `<!doctype html>\n${
    html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
<link rel="icon" href="${ASSET_PATH}/favicon.svg" type="image/svg+xml">
${options.charts === true ? html`<link rel="stylesheet" href="${ASSET_PATH}/vendor/uPlot.min.css">` : ''}
<link rel="stylesheet" href="${ASSET_PATH}/style.css">
${options.script !== undefined ? html`<script type="module" src="${ASSET_PATH}/${options.script}"></script>` : ''}
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
${options.body}
</body>
</html>
`.__html
  }`;
}
