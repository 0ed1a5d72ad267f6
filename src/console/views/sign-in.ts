import { csrfField, field, html, type Html } from '../html.ts';

export interface SignInData {
  /** The sign-in form's own token (the page sets it as a cookie too). */
  csrf: string;
  /** After a failed attempt: the login typed, kept in its field. */
  failed?: { login: string };
  /** A refusal that is not about the password (too many attempts, form expired). */
  notice?: string;
}

/**
 * The sign-in page; after a failed attempt the same page, titled and headed as such, with the error
 * tied to the fields it concerns and the identifier kept (RGAA 11.10, 11.11).
 */
export function signInView(d: SignInData): { title: string; body: Html } {
  const error = d.failed
    ? html`<p class="error" id="erreur-connexion"><strong>La connexion a échoué :</strong> identifiant ou mot de passe incorrect.</p>`
    : d.notice
      ? html`<p class="error" id="erreur-connexion"><strong>La connexion a échoué :</strong> ${d.notice}</p>`
      : '';
  const errorId = d.failed || d.notice ? { errorId: 'erreur-connexion' } : {};
  return {
    title: d.failed || d.notice ? 'Échec de la connexion' : 'Connexion',
    body: html`<h1>Connexion</h1>
${error}
<p>Les champs marqués <span class="required">(obligatoire)</span> doivent être remplis.</p>
<form method="post" action="/admin/login">${csrfField(d.csrf)}
${field({ label: 'Identifiant', name: 'login', autocomplete: 'username', required: true, ...(d.failed ? { value: d.failed.login } : {}), ...errorId })}
${field({ label: 'Mot de passe', name: 'password', type: 'password', autocomplete: 'current-password', required: true, ...errorId })}
<p><button type="submit">Se connecter</button></p></form>`,
  };
}

export function closedView(): { title: string; body: Html } {
  return {
    title: 'Console fermée',
    body: html`<h1>Console fermée</h1><p>La console est fermée : aucun compte n'existe. Créez-en un sur le serveur avec <code>npm run staff -- add &lt;identifiant&gt;</code>.</p>`,
  };
}

export function errorView(
  title: string,
  message: string,
  back?: { href: string; label: string },
): { title: string; body: Html } {
  return {
    title,
    body: html`<h1>${title}</h1><p class="error">${message}</p>${back ? html`<p><a href="${back.href}">${back.label}</a></p>` : ''}`,
  };
}
