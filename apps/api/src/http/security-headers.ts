import helmet from 'helmet';

/**
 * helmet's headers, with a Content-Security-Policy that lets pages (Bull Board, the OpenAPI UI) load nothing from
 * other hosts: fonts and styles come from Herald itself. Insecure requests are not upgraded, because Herald is often
 * reached over plain HTTP on a private network or behind a proxy that terminates TLS.
 */
export const securityHeaders = () =>
  helmet({
    contentSecurityPolicy: {
      directives: {
        'font-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'upgrade-insecure-requests': null,
      },
    },
  });
