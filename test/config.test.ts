import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('configuration', () => {
  it('starts with nothing set (local mode, no contact of its own)', () => {
    const c = loadConfig({});
    expect(c.localMode).toBe(true);
    expect(c.contact).toEqual({});
  });

  it('reads the training centre contact', () => {
    const c = loadConfig({ CONTACT_EMAIL: 'examens@centre.example', CONTACT_PHONE: '+33 1 23 45 67 89', CONTACT_URL: 'https://centre.example/contact' });
    expect(c.contact).toEqual({ email: 'examens@centre.example', phone: '+33 1 23 45 67 89', url: 'https://centre.example/contact' });
  });

  it.each([
    [{ CONTACT_EMAIL: 'pas-une-adresse' }, 'CONTACT_EMAIL'],
    [{ CONTACT_PHONE: 'appelez-nous' }, 'CONTACT_PHONE'],
    [{ CONTACT_URL: 'javascript:alert(1)' }, 'CONTACT_URL'],
  ])('refuses %o, naming the key', (env, key) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(key));
  });
});
