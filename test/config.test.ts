import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, KNOWN_KEYS, contrastWithWhite, loadConfig, loadDotEnv, misspelledKeys } from '../src/config.ts';
import { tempDir } from './temp.ts';

describe('configuration', () => {
  it('starts with nothing set (local mode, no contact of its own)', () => {
    const c = loadConfig({});
    expect(c.localMode).toBe(true);
    expect(c.contact).toEqual({});
  });

  it('starts with .env.example copied as it is (empty values are unset)', () => {
    const env = Object.fromEntries(
      readFileSync('.env.example', 'utf8')
        .split('\n')
        .filter((l) => /^[A-Za-z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(Object.keys(env).length).toBeGreaterThan(10);
    const c = loadConfig(env);
    expect(c.WIDGET_ACCENT_COLOR).toBe('#1F4E8C');
    expect(c.PORT).toBe(Number(env.PORT || 3978));
  });

  it('reads ORG_PRIVACY_URL (unset: no link, the welcome says how to erase in the chat)', () => {
    expect(loadConfig({ ORG_PRIVACY_URL: 'https://centre.example/confidentialite' }).ORG_PRIVACY_URL).toBe(
      'https://centre.example/confidentialite',
    );
    expect(loadConfig({ ORG_PRIVACY_URL: '' }).ORG_PRIVACY_URL).toBeUndefined();
  });

  it('DATABASE_URL: unset is SQLite; a postgres:// address is taken; anything else is refused naming the key', () => {
    expect(loadConfig({}).DATABASE_URL).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: 'postgres://assistant:s3cret@127.0.0.1:5432/assistant' }).DATABASE_URL).toBe(
      'postgres://assistant:s3cret@127.0.0.1:5432/assistant',
    );
    expect(loadConfig({ DATABASE_URL: 'postgresql://db.internal/assistant?sslmode=require' }).DATABASE_URL).toBe(
      'postgresql://db.internal/assistant?sslmode=require',
    );
    for (const wrong of ['mysql://127.0.0.1/assistant', 'data/state.sqlite', 'postgres://']) {
      expect(() => loadConfig({ DATABASE_URL: wrong })).toThrow(
        /^Invalid configuration \(environment or \.env\):\n {2}DATABASE_URL: a PostgreSQL address/,
      );
    }
  });

  it('reads the training centre contact', () => {
    const c = loadConfig({
      CONTACT_EMAIL: 'examens@centre.example',
      CONTACT_PHONE: '+33 1 23 45 67 89',
      CONTACT_URL: 'https://centre.example/contact',
    });
    expect(c.contact).toEqual({
      email: 'examens@centre.example',
      phone: '+33 1 23 45 67 89',
      url: 'https://centre.example/contact',
    });
  });

  it.each([
    [{ CONTACT_EMAIL: 'pas-une-adresse' }, 'CONTACT_EMAIL'],
    [{ CONTACT_PHONE: 'appelez-nous' }, 'CONTACT_PHONE'],
    [{ CONTACT_URL: 'javascript:alert(1)' }, 'CONTACT_URL'],
    // Linked from the welcome and required by the Teams package: https only.
    [{ ORG_PRIVACY_URL: 'http://centre.example/confidentialite' }, 'ORG_PRIVACY_URL'],
  ])('refuses %o, naming the key', (env, key) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(key));
  });

  it('refuses a WIDGET_ACCENT_COLOR below 4.5:1 with white, in one line naming the key', () => {
    // #767676 is the lightest grey that passes (4.54:1); #777777 fails (4.48:1); #8FB0DC is the
    // console's old light blue (2.2:1).
    expect(contrastWithWhite('#767676')).toBeCloseTo(4.54, 2);
    expect(contrastWithWhite('#FFFFFF')).toBeCloseTo(1, 5);
    expect(contrastWithWhite('#000000')).toBeCloseTo(21, 5);
    expect(loadConfig({}).WIDGET_ACCENT_COLOR).toBe('#1F4E8C');
    expect(loadConfig({ WIDGET_ACCENT_COLOR: '#767676' }).WIDGET_ACCENT_COLOR).toBe('#767676');
    for (const colour of ['#777777', '#8fb0dc', '#FFD700']) {
      let message = '';
      try {
        loadConfig({ WIDGET_ACCENT_COLOR: colour });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        message = (err as Error).message;
      }
      const lines = message.split('\n').slice(1);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^ {2}WIDGET_ACCENT_COLOR: contrast with white \d\.\d\d:1, below 4\.5:1/);
    }
    // A malformed colour: one line too, about the format.
    expect(() => loadConfig({ WIDGET_ACCENT_COLOR: 'bleu' })).toThrow(
      /^Invalid configuration \(environment or \.env\):\n {2}WIDGET_ACCENT_COLOR: a colour such as #1F4E8C$/,
    );
  });
});

describe('configuration mistakes stop the start with one line naming the key', () => {
  const GUID = '0b5e8c7a-1d2f-4e3a-9b6c-7d8e9f0a1b2c';
  const problems = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message.split('\n').slice(1);
    }
    return [];
  };

  it.each([
    [{ MicrosoftAppType: 'SingleTenant' }, /^ {2}MicrosoftAppId: required when MicrosoftAppType=SingleTenant/],
    [{ MicrosoftAppType: 'UserAssignedMSI' }, /^ {2}MicrosoftAppId: required when MicrosoftAppType=UserAssignedMSI/],
    [
      { MicrosoftAppType: 'SingleTenant', MicrosoftAppId: GUID, MicrosoftAppPassword: 'secret' },
      /^ {2}MicrosoftAppTenantId: required when MicrosoftAppType=SingleTenant$/,
    ],
    [{ MicrosoftAppId: 'mon-bot', MicrosoftAppPassword: 'secret' }, /^ {2}MicrosoftAppId: not a GUID/],
    [{ MicrosoftAppId: GUID }, /^ {2}MicrosoftAppPassword: required when MicrosoftAppId is set/],
    [{ MicrosoftAppPassword: 'secret' }, /^ {2}MicrosoftAppPassword: set without MicrosoftAppId/],
    [{ STATE_TTL_HOURS: '0' }, /^ {2}STATE_TTL_HOURS: /],
  ])('%o', (env, line) => {
    const lines = problems(env);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
  });

  it('accepts the Azure set-ups botbuilder accepts', () => {
    expect(problems({ MicrosoftAppId: GUID, MicrosoftAppPassword: 'secret' })).toEqual([]);
    expect(
      problems({
        MicrosoftAppId: GUID,
        MicrosoftAppPassword: 'secret',
        MicrosoftAppType: 'SingleTenant',
        MicrosoftAppTenantId: GUID,
      }),
    ).toEqual([]);
    // A managed identity has no password.
    expect(problems({ MicrosoftAppId: GUID, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: GUID })).toEqual(
      [],
    );
    expect(loadConfig({ STATE_TTL_HOURS: '0.5' }).STATE_TTL_HOURS).toBe(0.5);
    expect(loadConfig({}).STATE_TTL_HOURS).toBe(24);
  });

  it('a misspelt key in .env stops the start: « did you mean … ? »; unrelated keys are left alone', () => {
    const file = join(tempDir('dotenv-'), '.env');
    writeFileSync(file, `MicrosoftAppID=${GUID}\nPROT=4000\nTRANSCRIPT_RETENTION_DAY=30\nMY_OWN_TOOL=1\nPORT=4001\n`);
    let message = '';
    try {
      loadDotEnv(file);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message.split('\n')).toEqual([
      `Invalid configuration (${file}):`,
      '  MicrosoftAppID: unknown key in .env — did you mean MicrosoftAppId?',
      '  PROT: unknown key in .env — did you mean PORT?',
      '  TRANSCRIPT_RETENTION_DAY: unknown key in .env — did you mean TRANSCRIPT_RETENTION_DAYS?',
    ]);
    expect(process.env.PROT).toBeUndefined(); // nothing loaded from a file refused
  });

  it('every key of .env.example is a known key (so the check never refuses the documented file)', () => {
    const keys = readFileSync('.env.example', 'utf8')
      .split('\n')
      .filter((l) => /^[A-Za-z_]+=/.test(l))
      .map((l) => l.slice(0, l.indexOf('=')));
    expect(keys.filter((k) => !KNOWN_KEYS.includes(k))).toEqual([]);
    expect(misspelledKeys(keys)).toEqual([]);
  });

  it('accepts any LINK_* key a knowledge base may name, each an http(s) address named in one line when wrong', () => {
    expect(
      loadConfig({
        LINK_REGISTRATION_URL: 'https://cyclades.example/inscription',
        LINK_BOOKING_URL: 'https://centre.example/rdv',
        LINK_EMPTY_URL: '',
      }).links,
    ).toEqual({
      LINK_REGISTRATION_URL: 'https://cyclades.example/inscription',
      LINK_BOOKING_URL: 'https://centre.example/rdv',
    });
    expect(() => loadConfig({ LINK_BOOKING_URL: 'centre.example/rdv', PORT: '0' })).toThrow(
      /^Invalid configuration \(environment or \.env\):\n {2}PORT: .*\n {2}LINK_BOOKING_URL: an http\(s\) address$/,
    );
    // A new LINK_* key in .env is not a misspelling; one letter off a documented key still is.
    expect(misspelledKeys(['LINK_BOOKING_URL', 'LINK_REGISTRATON_URL'])).toEqual([
      '  LINK_REGISTRATON_URL: unknown key in .env — did you mean LINK_REGISTRATION_URL?',
    ]);
  });

  it('NODE_ENV=production in local mode is a clear warning: anyone can post to the bot', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).warnings).toEqual([
      expect.stringMatching(
        /^NODE_ENV=production without MicrosoftAppId: local mode, requests are not authenticated — anyone who reaches 127\.0\.0\.1:3978 can post/,
      ),
    ]);
    expect(
      loadConfig({ NODE_ENV: 'production', MicrosoftAppId: GUID, MicrosoftAppPassword: 'secret' }).warnings,
    ).toEqual([]);
    expect(loadConfig({}).warnings).toEqual([]);
  });
});
