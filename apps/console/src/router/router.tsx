import type { ComponentChildren, TargetedMouseEvent } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/*
 * The console's routes are paths under /console, read from the browser's history: a link changes the path without a
 * reload, Back and Forward work, and every page has an address that can be bookmarked or opened in a new tab.
 */

export const BASE = '/console';
const NAVIGATED = 'herald:navigated';

/** The path under /console (`/`, `/orders/…`), with its query. */
export function currentPath(): string {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  return (path || '/') + location.search;
}

export function navigate(path: string, { replace = false } = {}): void {
  if (replace) history.replaceState(null, '', BASE + path);
  else history.pushState(null, '', BASE + path);
  dispatchEvent(new Event(NAVIGATED));
}

export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    addEventListener('popstate', update);
    addEventListener(NAVIGATED, update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener(NAVIGATED, update);
    };
  }, []);
  return path;
}

/** The parameters of `pattern` (`/orders/:id`) in `path`, or null when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const [pathname] = path.split('?');
  const want = pattern.split('/');
  const have = pathname.replace(/\/$/, '').split('/');
  if (pattern === '/') return pathname === '/' || pathname === '' ? {} : null;
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(have[i]);
    else if (want[i] !== have[i]) return null;
  }
  return params;
}

export function queryParam(path: string, name: string): string | null {
  return new URLSearchParams(path.split('?')[1] ?? '').get(name);
}

type LinkProps = { href: string; children: ComponentChildren; class?: string; 'aria-current'?: 'page' };

/** A link inside the console: a real `<a href>` (middle-click, copy link), followed without a reload. */
export function Link({ href, children, ...props }: LinkProps) {
  const follow = (event: TargetedMouseEvent<HTMLAnchorElement>) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a {...props} href={BASE + href} onClick={follow}>
      {children}
    </a>
  );
}
