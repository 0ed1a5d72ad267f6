/** The page that hosts Web Chat (GET /), in French; everything it needs is served by this server. */
export interface PageOptions {
  title: string;
  accentColor: string;
  logoUrl?: string;
  /** "local": this server's Direct Line; "azure": Azure Bot Service's, with a token from this server. */
  mode: 'local' | 'azure';
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function renderPage(o: PageOptions): string {
  // Landmarks: the header is the banner; Web Chat, rendered into #webchat in place of the waiting
  // message, is the page's main content (role "main", not its default "complementary"). The waiting
  // message is a live region from the start, so « assistant unavailable » is announced (WCAG 4.1.3).
  // JSON inside <script type="application/json">: "<" escaped so no value can close the tag.
  const config = JSON.stringify({
    mode: o.mode,
    title: o.title,
    accentColor: o.accentColor,
    logoUrl: o.logoUrl ?? null,
  }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)}</title>
<style>
  html, body { height: 100%; margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  body { display: flex; flex-direction: column; background: #f4f6f9; }
  header { display: flex; align-items: center; gap: .75rem; padding: .75rem 1rem; color: #fff; background: ${escapeHtml(o.accentColor)}; }
  header img { height: 2rem; }
  header h1 { font-size: 1.1rem; margin: 0; font-weight: 600; }
  #webchat { flex: 1; min-height: 0; background: #fff; }
  #webchat > main { height: 100%; }
  #status { padding: 1rem; color: #555; }
  /* Web Chat draws no focus ring on the message field (WCAG 2.4.7): the accent colour, whose
     contrast with white is checked at start (config.ts), outlines the whole text box. */
  #webchat .webchat__send-box-text-box:focus-within { outline: 3px solid ${escapeHtml(o.accentColor)}; outline-offset: -3px; }
  /* At 400 % zoom (320 × 256 CSS px) the flowing suggested buttons took the whole height: the history
     was 0 px tall and the text field below the fold (WCAG 1.4.10). They scroll within a third of the
     window instead; on a desktop window that is more than they ever need. */
  #webchat .webchat__suggested-actions--flow-layout { max-height: 30vh; overflow-y: auto; }
  @media (max-height: 420px) {
    header { padding: .25rem .75rem; }
    header img { height: 1.5rem; }
    header h1 { font-size: 1rem; }
  }
</style>
</head>
<body>
<header>${o.logoUrl ? `<img src="${escapeHtml(o.logoUrl)}" alt="">` : ''}<h1>${escapeHtml(o.title)}</h1></header>
<div id="webchat"><main><p id="status" role="status">Connexion à l'assistant…</p></main></div>
<script type="application/json" id="config">${config}</script>
<script src="/webchat/webchat.js"></script>
<script src="/webchat/app.js"></script>
</body>
</html>
`;
}

/** The page's script: gets a token from this server, connects Web Chat, in French. */
export const APP_JS = `(async function () {
  var config = JSON.parse(document.getElementById('config').textContent);
  var status = document.getElementById('status');
  try {
    var response = await fetch('/api/directline/token', { method: 'POST' });
    if (!response.ok) throw new Error('token ' + response.status);
    var t = await response.json();
    var directLine = config.mode === 'local'
      ? window.WebChat.createDirectLine({ token: t.token, domain: location.origin + '/v3/directline', webSocket: false })
      : window.WebChat.createDirectLine({ token: t.token, domain: t.domain });
    // Tell the bot the learner joined: Direct Line does not always send membersAdded for the user.
    // The bot greets once per conversation, whichever of the two arrives first.
    var store = window.WebChat.createStore({}, function (api) {
      return function (next) {
        return function (action) {
          if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED') {
            api.dispatch({ type: 'WEB_CHAT/SEND_EVENT', payload: { name: 'webchat/join', value: { language: 'fr-FR' } } });
          }
          return next(action);
        };
      };
    });
    window.WebChat.renderWebChat({
      directLine: directLine,
      store: store,
      userID: t.userId,
      locale: 'fr-FR',
      // The chat is this page's content, not an aside inside it.
      role: 'main',
      styleOptions: {
        accent: config.accentColor,
        botAvatarInitials: 'BTS',
        hideUploadButton: true,
        sendBoxTextWrap: true,
        suggestedActionLayout: 'flow'
      }
    }, document.getElementById('webchat'));
  } catch (err) {
    status.textContent = "L'assistant n'est pas disponible pour le moment. Réessayez dans quelques minutes.";
  }
})();`;
