import type { Request } from 'express';
import { consoleSessionIdOf } from './console-session-cookie';

const withCookie = (cookie?: string) => ({ headers: cookie === undefined ? {} : { cookie } }) as Request;

describe('the console session cookie', () => {
  it('is read from among other cookies, whatever their order and spacing', () => {
    expect(consoleSessionIdOf(withCookie('herald_console=abc'))).toBe('abc');
    expect(consoleSessionIdOf(withCookie('theme=dark;  herald_console=abc ; lang=ar'))).toBe('abc');
  });

  it('is not mistaken for a cookie whose name only contains it, and is absent when not sent', () => {
    expect(consoleSessionIdOf(withCookie('not_herald_console=abc; herald_console_x=def'))).toBeUndefined();
    expect(consoleSessionIdOf(withCookie())).toBeUndefined();
    expect(consoleSessionIdOf(withCookie(''))).toBeUndefined();
  });

  it('gives an empty or odd value as it came, for the session lookup to refuse', () => {
    expect(consoleSessionIdOf(withCookie('herald_console='))).toBe('');
    expect(consoleSessionIdOf(withCookie('herald_console=a=b'))).toBe('a=b');
  });
});
