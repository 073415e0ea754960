import { WHATSAPP_SESSION_MARGIN_MS, WHATSAPP_SESSION_MS, whatsappSendMode } from './whatsapp-session-window';

describe('the WhatsApp session window', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);

  it('needs a template when the customer never wrote', () => {
    expect(whatsappSendMode(null, now)).toBe('template');
  });

  it('goes free-form within 24 hours of the customer’s last message', () => {
    expect(whatsappSendMode(ago(0), now)).toBe('session');
    expect(whatsappSendMode(ago(60_000), now)).toBe('session');
    expect(whatsappSendMode(ago(23 * 60 * 60_000), now)).toBe('session');
  });

  it('stops counting on the window a few minutes before it closes, and needs a template after', () => {
    expect(whatsappSendMode(ago(WHATSAPP_SESSION_MS - WHATSAPP_SESSION_MARGIN_MS - 1), now)).toBe('session');
    expect(whatsappSendMode(ago(WHATSAPP_SESSION_MS - WHATSAPP_SESSION_MARGIN_MS), now)).toBe('template');
    expect(whatsappSendMode(ago(WHATSAPP_SESSION_MS), now)).toBe('template');
    expect(whatsappSendMode(ago(3 * WHATSAPP_SESSION_MS), now)).toBe('template');
  });

  it('treats a last message stamped in the future (clock skew) as a window just opened', () => {
    expect(whatsappSendMode(new Date(now.getTime() + 30_000), now)).toBe('session');
  });
});
