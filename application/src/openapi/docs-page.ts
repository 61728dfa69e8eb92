import { createHash } from 'node:crypto';

/**
 * The browsable API page: one self-contained HTML document whose inline script renders
 * /openapi.json from the same origin — no CDN, no external request.
 */
const SCRIPT = `
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const md = (s) => esc(s).replace(/\`([^\`]+)\`/g, '<code>$1</code>');
fetch('/openapi.json').then((r) => r.json()).then((doc) => {
  document.getElementById('title').textContent = doc.info.title + ' ' + doc.info.version;
  document.getElementById('intro').innerHTML = md(doc.info.description);
  const byTag = new Map();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = (op.tags && op.tags[0]) || 'Other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
  }
  const nav = document.getElementById('nav');
  const main = document.getElementById('ops');
  for (const [tag, ops] of byTag) {
    const id = 'tag-' + tag.replace(/[^A-Za-z0-9]+/g, '-');
    nav.insertAdjacentHTML('beforeend', '<a href="#' + id + '">' + esc(tag) + ' <small>' + ops.length + '</small></a>');
    let html = '<section id="' + id + '"><h2>' + esc(tag) + '</h2>';
    for (const { path, method, op } of ops) {
      const params = (op.parameters || []).map((p) => '<tr><td><code>' + esc(p.name) + '</code></td><td>' + esc(p.in) + (p.required ? ', required' : '') + '</td><td>' + md(p.description) + ' <code>' + esc(JSON.stringify(p.schema)) + '</code></td></tr>').join('');
      const body = op.requestBody ? '<h4>Request body</h4><pre>' + esc(JSON.stringify(op.requestBody.content['application/json'].schema, null, 2)) + '</pre>' : '';
      const responses = Object.entries(op.responses || {}).map(([s, r]) => '<li><b>' + esc(s) + '</b> ' + md(r.description) + '</li>').join('');
      html += '<details><summary><span class="m ' + method + '">' + method.toUpperCase() + '</span> <code>' + esc(path) + '</code> — ' + esc(op.summary) + '</summary>' +
        (op.description ? '<p>' + md(op.description) + '</p>' : '') +
        (params ? '<h4>Parameters</h4><table>' + params + '</table>' : '') + body +
        '<h4>Responses</h4><ul>' + responses + '</ul></details>';
    }
    main.insertAdjacentHTML('beforeend', html + '</section>');
  }
}).catch((e) => { document.getElementById('ops').textContent = 'Cannot load /openapi.json: ' + e; });
`;

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; display: flex; color: #1d2433; }
nav { width: 15rem; padding: 1rem; background: #f3f5f9; height: 100vh; position: sticky; top: 0; overflow: auto; }
nav a { display: block; padding: .2rem 0; color: #234; text-decoration: none; }
main { padding: 1rem 2rem; max-width: 70rem; flex: 1; }
details { border: 1px solid #d8dde6; border-radius: 6px; margin: .4rem 0; padding: .4rem .8rem; }
summary { cursor: pointer; }
pre { background: #f6f8fa; padding: .6rem; overflow: auto; font-size: 13px; }
table { border-collapse: collapse; } td { border-top: 1px solid #e3e6ec; padding: .2rem .6rem; vertical-align: top; }
.m { display: inline-block; min-width: 4.2rem; font-weight: 700; font-size: 12px; text-align: center; border-radius: 4px; color: #fff; padding: 0 .3rem; }
.get { background: #2f7d4f; } .post { background: #2b5fb4; } .put { background: #a8641a; } .delete { background: #b23b3b; }
`;

export const DOCS_PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CityLedger API</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><nav><strong>CityLedger API</strong><p><a href="/openapi.json">openapi.json</a></p><div id="nav"></div></nav>
<main><h1 id="title">CityLedger API</h1><p id="intro"></p><div id="ops"></div></main>
<script>${SCRIPT}</script></body></html>`;

/** Allows exactly this page's inline script and style, and fetches only from the same origin. */
export const DOCS_PAGE_CSP = [
  "default-src 'none'",
  `script-src 'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'`,
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "connect-src 'self'",
].join('; ');
