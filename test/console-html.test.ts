import { describe, expect, it } from 'vitest';
import { barChart, field, html, layout, raw } from '../src/console/html.ts';

// The accessibility rules built into the console's html helpers (issue 15); the pages themselves are
// checked with axe and the keyboard in console-browser.test.ts.
describe('console html helpers', () => {
  it('html escapes every interpolation unless it is html itself or a visible raw()', () => {
    const learner = '<img src=x onerror=alert(1)> "l\'exam"';
    expect(html`<p title="${learner}">${learner}</p>`.value).toBe(
      '<p title="&lt;img src=x onerror=alert(1)&gt; &quot;l&#39;exam&quot;">&lt;img src=x onerror=alert(1)&gt; &quot;l&#39;exam&quot;</p>',
    );
    expect(html`<ul>${['<a>', html`<li>${'<b>'}</li>`]}</ul>`.value).toBe('<ul>&lt;a&gt;<li>&lt;b&gt;</li></ul>');
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
    expect(html`${raw('<br>')}`.value).toBe('<br>');
  });

  it('every page: title naming the site, viewport, skip link to main, header navigation', () => {
    const signedIn = layout(
      'Statistiques',
      html`<h1>Statistiques</h1>`,
      { login: 'claire', csrf: 'x' },
      '/admin/statistiques',
    );
    expect(signedIn).toContain('<title>Statistiques — Console de l&#39;assistant</title>');
    expect(signedIn).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(signedIn).toMatch(/<body><a class="skip" href="#contenu">Aller au contenu<\/a>/);
    expect(signedIn).toContain('<main id="contenu" tabindex="-1">');
    expect(signedIn).toContain('<a href="/admin/statistiques" aria-current="page">Statistiques</a>');
    expect(signedIn).toContain('<a href="/admin/a-relire">À relire</a>');
    // Signed out: the navigation offers the sign-in page only.
    const signedOut = layout('Connexion', html`<h1>Connexion</h1>`, undefined, '/admin/login');
    expect(signedOut).toContain(
      '<nav aria-label="Pages de la console"><ul><li><a href="/admin/login" aria-current="page">Connexion</a></li></ul></nav>',
    );
    expect(signedOut).not.toContain('/admin/statistiques');
  });

  it('a required field says so in its label; an error is tied to it', () => {
    const input = field({ label: 'Identifiant', name: 'login', required: true, value: '<b>', errorId: 'erreur' }).value;
    expect(input).toMatch(
      /<label for="champ-login">Identifiant <span class="required">\(obligatoire\)<\/span><\/label>/,
    );
    expect(input).toContain('id="champ-login"');
    expect(input).toContain(' required');
    expect(input).toContain('aria-invalid="true" aria-describedby="erreur"');
    expect(input).toContain('value="&lt;b&gt;"');
    expect(field({ label: 'Note', name: 'note' }).value).not.toContain('obligatoire');
  });

  it('a chart is a figure with a text alternative and its values as a table; the part is hatched', () => {
    const chart = barChart(
      'Questions par jour',
      [
        { label: '11-26', value: 12, part: 3 },
        { label: '11-27', value: 5, part: 0 },
      ],
      { valueLabel: 'Questions', partLabel: 'Sans réponse' },
    );
    expect(chart.value).toMatch(/^<figure><figcaption>Questions par jour<\/figcaption><svg /);
    expect(chart.value).toContain(
      'role="img" aria-label="Questions par jour : 2 jours, 17 questions dont 3 sans réponse ; valeurs dans le tableau qui suit"',
    );
    expect(chart.value).toContain('<tr><th scope="row">11-26</th><td>12</td><td>3</td></tr>');
    expect(chart.value).toContain('fill="url(#hachures)"');
    expect(barChart('Réponses par intention', [], { horizontal: true, valueLabel: 'Réponses' }).value).toBe(
      '<p>Réponses par intention : pas encore de données.</p>',
    );
  });
});
