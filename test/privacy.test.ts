import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTION_RULES, redact } from '../src/privacy/redact.ts';
import { pseudonymize } from '../src/privacy/pseudonym.ts';

// A PII test set as learners type it; each must disappear, the rest of the message must stay.
const CASES: [string, string, string][] = [
  ['e-mail', 'mon mail c marie.dupont+bts@gmail.com merci', 'marie.dupont+bts@gmail.com'],
  ['mobile, spaces', 'appelez moi au 06 12 34 56 78 svp', '06 12 34 56 78'],
  ['mobile, no separator', 'tel 0612345678', '0612345678'],
  ['landline, dots', 'fixe : 01.23.45.67.89', '01.23.45.67.89'],
  ['dashes', 'mon num 07-11-22-33-44', '07-11-22-33-44'],
  ['+33', 'whatsapp +33 6 12 34 56 78', '+33 6 12 34 56 78'],
  ['+33 compact', 'sms au +33612345678', '+33612345678'],
  ['+33 (0)', 'joignable au +33 (0)6 12 34 56 78', '+33 (0)6 12 34 56 78'],
  ['0033', 'depuis la belgique 0033 6 12 34 56 78', '0033 6 12 34 56 78'],
  ['NIR with spaces', 'mon numéro de sécu 1 85 05 78 006 084 36', '1 85 05 78 006 084 36'],
  ['NIR compact', 'secu 285052A00608436', '285052A00608436'],
  ['IBAN FR', 'mon IBAN FR76 3000 6000 0112 3456 7890 189 pour le remboursement', 'FR76 3000 6000 0112 3456 7890 189'],
  ['IBAN compact', 'iban FR7630006000011234567890189', 'FR7630006000011234567890189'],
  ['address', "j'habite 12 rue de la Paix à Lyon", '12 rue de la Paix'],
  ['address bis', 'au 3 bis avenue Jean Jaurès', '3 bis avenue Jean Jaurès'],
  ['card', 'ma carte 4970 1012 3456 7890', '4970 1012 3456 7890'],
  // Formats a security review found still readable.
  ['phone 3-3-4', 'mon fixe 061 234 5678', '061 234 5678'],
  ['mobile without 0', 'appelle au 6 12 34 56 78 stp', '6 12 34 56 78'],
  ['double spaces', 'tel 06  12  34  56  78', '06  12  34  56  78'],
  ['(06)', 'au (06) 12 34 56 78 le soir', '(06) 12 34 56 78'],
  ['+ 33 spaced', 'num + 33 6 12 34 56 78', '+ 33 6 12 34 56 78'],
  ['card with dots', 'carte 4970.1012.3456.7890 expire', '4970.1012.3456.7890'],
  ['address r.', 'envoyez au 14 r. Victor Hugo', '14 r. Victor Hugo'],
  ['address Grande Rue', 'je vis au 45 Grande Rue', '45 Grande Rue'],
  ['lieu-dit', 'lieu-dit les Granges 24000', 'les Granges'],
  ['rés.', 'bât B rés. du Parc', 'du Parc'],
  ['e-mail spaced', 'jean.dupont @ gmail.com', 'jean.dupont @ gmail.com'],
  ['e-mail (at)', 'jean.dupont(at)gmail.com', 'jean.dupont(at)gmail.com'],
  ['e-mail arobase', 'jean arobase gmail point com', 'gmail point com'],
  ['IBAN grouped as a RIB', 'iban FR76 30006 00001 12345678901 89 merci', 'FR76 30006 00001 12345678901 89'],
];

describe('redaction of personal data', () => {
  for (const [name, message, secret] of CASES) {
    it(`removes ${name}`, () => {
      const out = redact(message);
      expect(out).not.toContain(secret);
      // Digits of the secret must not survive either (partial leaks).
      expect(out.replace(/\D/g, '')).not.toContain(secret.replace(/\D/g, '').slice(-6) || 'never');
      expect(out).toMatch(/\[(e-mail|téléphone|NIR|IBAN|adresse|carte)\]/);
    });
  }

  it('keeps what the assistant needs: grades, dates, postal codes, durations, prices', () => {
    const message = "J'ai eu 14/20 le 15/06/2025, j'habite dans le 69003, l'épreuve dure 2h30, c'est 5,00 € ?";
    expect(redact(message)).toBe(message);
  });
});

describe('pseudonymous user ids', () => {
  it('are stable for a key, differ between keys, and do not contain the id', () => {
    const a = pseudonymize('29:learner-aad-id', 'key-1');
    expect(a).toBe(pseudonymize('29:learner-aad-id', 'key-1'));
    expect(a).not.toBe(pseudonymize('29:learner-aad-id', 'key-2'));
    expect(a).not.toContain('learner');
    expect(a).toMatch(/^u_[0-9a-f]{24}$/);
  });
});

describe('redaction skips a pattern only where it cannot match', () => {
  // Every rule's pattern, run whatever its `needs` says: what redact() gave before that shortcut.
  const unconditionally = (text: string) =>
    REDACTION_RULES.reduce((out, { pattern, label }) => out.replace(pattern, label), text);
  const pieces = [
    ..."0123456789 ., -+()[]@'’".split(''),
    ...['rue', 'Grande', 'place', 'at', 'arobase', 'point', 'lieu-dit', 'Lieu dit', 'rés.', 'résidence', 'Rés'],
    ...['Les Tilleuls', 'marie', 'gmail', 'com', 'FR76', 'bis', 'av.', 'ſ', 'K', 'é', 'Ⅻ', '٣', '𝟙'],
  ];
  it('gives what running every pattern gives, on texts made of their pieces (and on the PII cases)', () => {
    for (const [, text] of CASES) expect(redact(text)).toBe(unconditionally(text));
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        expect(redact(text)).toBe(unconditionally(text));
      }),
      { numRuns: 3000, seed: 13 },
    );
  });
});
