import { describe, expect, it } from 'vitest';
import { barChart, field, layout } from '../src/console/html.ts';

// The accessibility rules built into the console's html helpers (issue 15); the pages themselves are
// checked with axe and the keyboard in console-browser.test.ts.
describe('console html helpers', () => {
  it('every page: title naming the site, viewport, skip link to main, header navigation', () => {
    const signedIn = layout('Statistiques', '<h1>Statistiques</h1>', { login: 'claire', csrf: 'x' }, '/admin/statistiques');
    expect(signedIn).toContain("<title>Statistiques — Console de l&#39;assistant</title>");
    expect(signedIn).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(signedIn).toMatch(/<body><a class="skip" href="#contenu">Aller au contenu<\/a>/);
    expect(signedIn).toContain('<main id="contenu" tabindex="-1">');
    expect(signedIn).toContain('<a href="/admin/statistiques" aria-current="page">Statistiques</a>');
    expect(signedIn).toContain('<a href="/admin/sans-reponse">Questions sans réponse</a>');
    // Signed out: the navigation offers the sign-in page only.
    const signedOut = layout('Connexion', '<h1>Connexion</h1>', undefined, '/admin/login');
    expect(signedOut).toContain('<nav aria-label="Pages de la console"><ul><li><a href="/admin/login" aria-current="page">Connexion</a></li></ul></nav>');
    expect(signedOut).not.toContain('/admin/statistiques');
  });

  it('a required field says so in its label; an error is tied to it', () => {
    const html = field({ label: 'Identifiant', name: 'login', required: true, value: '<b>', errorId: 'erreur' });
    expect(html).toMatch(/<label for="champ-login">Identifiant <span class="required">\(obligatoire\)<\/span><\/label>/);
    expect(html).toContain('id="champ-login"');
    expect(html).toContain(' required');
    expect(html).toContain('aria-invalid="true" aria-describedby="erreur"');
    expect(html).toContain('value="&lt;b&gt;"');
    expect(field({ label: 'Note', name: 'note' })).not.toContain('obligatoire');
  });

  it('a chart is a figure with a text alternative and its values as a table; the part is hatched', () => {
    const html = barChart('Questions par jour', [{ label: '11-26', value: 12, part: 3 }, { label: '11-27', value: 5, part: 0 }], { valueLabel: 'Questions', partLabel: 'Sans réponse' });
    expect(html).toMatch(/^<figure><figcaption>Questions par jour<\/figcaption><svg /);
    expect(html).toContain('role="img" aria-label="Questions par jour : 2 jours, 17 questions dont 3 sans réponse ; valeurs dans le tableau qui suit"');
    expect(html).toContain('<tr><th scope="row">11-26</th><td>12</td><td>3</td></tr>');
    expect(html).toContain('fill="url(#hachures)"');
    expect(barChart('Réponses par intention', [], { horizontal: true, valueLabel: 'Réponses' })).toBe('<p>Réponses par intention : pas encore de données.</p>');
  });
});
