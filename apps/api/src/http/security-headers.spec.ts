import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { Request, Response } from 'express';
import helmet from 'helmet';
import { securityHeaders } from './security-headers';

function answerOf(middleware: (request: Request, response: Response, next: () => void) => void) {
  const request = new IncomingMessage(new Socket());
  const response = new ServerResponse(request);
  response.setHeader('X-Powered-By', 'Express');
  let passed = false;
  middleware(request as Request, response as Response, () => (passed = true));
  return { passed, headers: response.getHeaders() };
}

describe('security headers', () => {
  it("set helmet's headers for Herald's policy, and drop X-Powered-By, in one step", () => {
    const helmetOwn = helmet({
      contentSecurityPolicy: { directives: { 'font-src': ["'self'"], 'style-src': ["'self'", "'unsafe-inline'"], 'upgrade-insecure-requests': null } },
    });
    const ours = answerOf(securityHeaders());
    expect(ours).toEqual(answerOf(helmetOwn as never));
    expect(ours.passed).toBe(true);
    expect(ours.headers['x-powered-by']).toBeUndefined();
    expect(ours.headers['content-security-policy']).toBe(
      "default-src 'self';base-uri 'self';font-src 'self';form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline'",
    );
    expect(Object.keys(ours.headers)).toHaveLength(12);
  });
});
