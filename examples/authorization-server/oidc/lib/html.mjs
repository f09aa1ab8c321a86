// The pages this example renders itself (device flow, errors, sign-out, account management):
// plain HTML with inline styles and nothing loaded from elsewhere, so a browser driven by the
// tests never reaches beyond the example's own names.

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value) {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 34em; padding: 0 1em; color: #222; }
  h1 { font-weight: 400; font-size: 1.6em; }
  button, input[type=submit] { font-size: 1em; padding: .5em 1.2em; margin: .3em .3em .3em 0; cursor: pointer; }
  input[type=text] { font-size: 1.1em; padding: .3em; }
  code { background: #f3f3f3; padding: 0 .2em; }
  table { border-collapse: collapse; } td, th { text-align: left; padding: .2em .8em .2em 0; vertical-align: top; }
  .error { color: #b00020; }
  .done { color: #146c2e; }
`;

/** A whole page: `body` is HTML the caller built (escape what it did not write itself). */
export function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}
