/** Everything learners typed is shown through this: `<img src=x onerror=alert(1)>` stays text. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Content-Security-Policy of every console page: nothing inline, nothing from elsewhere. */
export const CONSOLE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const CONSOLE_CSS = `
body { font-family: system-ui, sans-serif; margin: 0; background: #f4f6f9; color: #1b1b1b; }
header { background: #1f4e8c; color: #fff; padding: .6rem 1rem; display: flex; justify-content: space-between; align-items: center; }
header a, header button { color: #fff; }
header button { background: transparent; border: 1px solid #fff; border-radius: 4px; padding: .2rem .6rem; cursor: pointer; }
main { padding: 1rem; max-width: 1100px; margin: auto; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border-bottom: 1px solid #ddd; padding: .4rem .6rem; text-align: left; font-size: .9rem; }
.bubble { max-width: 70%; padding: .5rem .75rem; border-radius: 10px; margin: .4rem 0; white-space: pre-wrap; }
.in { background: #e4ecf7; margin-right: auto; }
.out { background: #fff; border: 1px solid #ddd; margin-left: auto; }
.meta { font-size: .75rem; color: #555; }
.error { color: #a40000; }
form.inline { display: inline; }
`;

export function layout(title: string, body: string, signedIn?: { login: string; csrf: string }): string {
  const account = signedIn
    ? `<span>${escapeHtml(signedIn.login)}</span> <form class="inline" method="post" action="/admin/logout"><input type="hidden" name="csrf" value="${escapeHtml(signedIn.csrf)}"><button type="submit">Se déconnecter</button></form>`
    : '';
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/admin/console.css"></head><body><header><strong>Console de l'assistant</strong>${account}</header><main>${body}</main></body></html>`;
}
