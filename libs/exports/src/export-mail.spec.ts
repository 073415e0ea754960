import { describeExportFailure } from './export-failure.alert';
import { composeExportMail } from './export-mail';

const facts = {
  merchantName: 'Boulangerie Lune',
  day: '2026-03-29',
  zone: 'Europe/Paris',
  kind: 'daily' as const,
  orderCount: 42,
  filename: 'orders-2026-03-29.csv',
  compressed: false,
  dueAt: new Date('2026-03-30T05:00:00Z'),
  now: new Date('2026-03-30T05:00:02Z'),
};

describe('the export mail', () => {
  it('names its day in the subject and the body', () => {
    const mail = composeExportMail(facts);
    expect(mail.subject).toBe('Orders of 2026-03-29: Boulangerie Lune');
    expect(mail.body).toContain('42 orders created on Sunday, 29 March 2026 (Europe/Paris time)');
    expect(mail.body).toContain('orders-2026-03-29.csv');
    expect(mail.body).not.toMatch(/late|again|gzip/);
  });

  it('says when it is late, compressed, or sent again on request', () => {
    expect(composeExportMail({ ...facts, now: new Date('2026-04-02T09:00:00Z') }).body).toContain('It was due on 30 Mar 2026, 07:00 and is sent late');
    expect(composeExportMail({ ...facts, compressed: true, filename: 'orders-2026-03-29.csv.gz' }).body).toContain('compressed with gzip');
    const resent = composeExportMail({ ...facts, kind: 'resend', now: new Date('2026-04-02T09:00:00Z') });
    expect(resent.subject).toBe('Orders of 2026-03-29: Boulangerie Lune (sent again)');
    expect(resent.body).toContain('You asked for this file to be sent again.');
    expect(resent.body).not.toContain('late');
    expect(composeExportMail({ ...facts, orderCount: 1 }).body).toContain('1 order created');
  });

  it('alerts operators with the day, the reason and masked recipients', () => {
    const alert = describeExportFailure({
      merchant: 'Boulangerie Lune',
      day: '2026-03-29',
      kind: 'daily',
      recipients: ['backoffice@lune.fr'],
      errorCode: 'http_403',
      error: 'The from address does not match a verified Sender Identity.',
      attempts: 1,
    });
    expect(alert.text).toBe(
      'Daily export failed: orders of 2026-03-29 for Boulangerie Lune to b***@lune.fr (http_403: The from address does not match a verified Sender Identity.)',
    );
    expect(JSON.stringify(alert.blocks)).not.toContain('backoffice@lune.fr');
  });
});
