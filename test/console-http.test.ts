import { describe, expect, it } from 'vitest';
import type restify from 'restify';
import { cookie, setCookie } from '../src/console/http.ts';

/** The two request fields the cookie helpers read. */
function request(headers: Record<string, string>, encrypted = false): restify.Request {
  return { header: (name: string) => headers[name.toLowerCase()], socket: { encrypted } } as unknown as restify.Request;
}

describe('console cookies (the cookie package)', () => {
  it('finds a cookie among others, in any order and spacing, percent-encoded', () => {
    expect(cookie(request({ cookie: 'theme=dark;staff_session=abc-_1;  lang=fr' }), 'staff_session')).toBe('abc-_1');
    expect(cookie(request({ cookie: 'staff_signin=a%3Db' }), 'staff_signin')).toBe('a=b');
    expect(cookie(request({ cookie: 'staff_sessionx=1; other=2' }), 'staff_session')).toBeUndefined();
    expect(cookie(request({}), 'staff_session')).toBeUndefined();
  });

  it('sets HttpOnly, SameSite=Strict, /admin only, the given lifetime; Secure only behind HTTPS', () => {
    const plain = setCookie(request({}), 'staff_session', 'id', 28_800).split('; ');
    expect(plain[0]).toBe('staff_session=id');
    expect(plain).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/admin', 'Max-Age=28800']));
    expect(plain).not.toContain('Secure');
    expect(setCookie(request({ 'x-forwarded-proto': 'https' }), 'staff_session', 'id', 0).split('; ')).toContain(
      'Secure',
    );
    expect(setCookie(request({}, true), 'staff_session', '', 0).split('; ')).toEqual(
      expect.arrayContaining(['staff_session=', 'Max-Age=0', 'Secure']),
    );
  });

  it('encodes a value that would otherwise add attributes, and reads it back whole', () => {
    const header = setCookie(request({}), 'staff_session', 'x; Domain=evil.example', 60);
    expect(header.split('; ').filter((a) => /^Domain=/i.test(a))).toEqual([]);
    expect(cookie(request({ cookie: header.split('; ')[0]! }), 'staff_session')).toBe('x; Domain=evil.example');
  });
});
