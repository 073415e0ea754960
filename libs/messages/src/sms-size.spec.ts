import { SegmentedMessage } from 'sms-segments-calculator';
import { smsSizeOf } from './sms-size';

/*
 * The library's answers checked against GSM 03.38 and 3GPP TS 23.040: one segment holds 160 GSM-7 septets or 70 UCS-2
 * code units; concatenated ones lose 7 septets / 3 units to the header (153 / 67). An extension character (€ ^ { } [ ]
 * ~ \ |) costs two septets and never splits across segments; nor does a surrogate pair.
 */
describe('SMS encoding and segments', () => {
  const latin = (n: number) => 'a'.repeat(n);
  const arabic = (n: number) => 'ب'.repeat(n);

  it('GSM-7: 160 in one segment, then 153 per segment', () => {
    expect(smsSizeOf(latin(160))).toEqual({ encoding: 'GSM-7', segments: 1 });
    expect(smsSizeOf(latin(161))).toEqual({ encoding: 'GSM-7', segments: 2 });
    expect(smsSizeOf(latin(306))).toEqual({ encoding: 'GSM-7', segments: 2 });
    expect(smsSizeOf(latin(307))).toEqual({ encoding: 'GSM-7', segments: 3 });
  });

  it('GSM-7 extension characters such as € cost two septets and stay GSM-7', () => {
    expect(smsSizeOf('€'.repeat(80))).toEqual({ encoding: 'GSM-7', segments: 1 });
    expect(smsSizeOf('€'.repeat(81))).toEqual({ encoding: 'GSM-7', segments: 2 });
    expect(smsSizeOf(`${latin(158)}€`)).toEqual({ encoding: 'GSM-7', segments: 1 });
    expect(smsSizeOf(`${latin(159)}€`)).toEqual({ encoding: 'GSM-7', segments: 2 });
    // 306 septets: two segments if € could straddle the boundary, three because it cannot.
    expect(smsSizeOf(`${latin(152)}€${latin(152)}`)).toEqual({ encoding: 'GSM-7', segments: 3 });
    expect(smsSizeOf(`${latin(151)}€${latin(153)}`)).toEqual({ encoding: 'GSM-7', segments: 2 });
  });

  it('UCS-2: 70 in one segment, then 67 per segment', () => {
    expect(smsSizeOf(arabic(70))).toEqual({ encoding: 'UCS-2', segments: 1 });
    expect(smsSizeOf(arabic(71))).toEqual({ encoding: 'UCS-2', segments: 2 });
    expect(smsSizeOf(arabic(134))).toEqual({ encoding: 'UCS-2', segments: 2 });
    expect(smsSizeOf(arabic(135))).toEqual({ encoding: 'UCS-2', segments: 3 });
  });

  it('one character outside GSM-7 makes the whole text UCS-2, and an emoji counts two units that never split', () => {
    expect(smsSizeOf(`${latin(70)}ç`)).toEqual({ encoding: 'UCS-2', segments: 2 });
    expect(smsSizeOf('😀'.repeat(35))).toEqual({ encoding: 'UCS-2', segments: 1 });
    expect(smsSizeOf(`${arabic(66)}😀${arabic(66)}`)).toEqual({ encoding: 'UCS-2', segments: 3 });
  });

  it('counts the isolate marks of a right-to-left text', () => {
    expect(smsSizeOf(`\u2068${arabic(68)}\u2069`)).toEqual({ encoding: 'UCS-2', segments: 1 });
    expect(smsSizeOf(`\u2068${arabic(69)}\u2069`)).toEqual({ encoding: 'UCS-2', segments: 2 });
  });

  it('counts plain GSM-7 texts directly exactly as the calculator does, at every length around the boundaries', () => {
    // Letters, digits, punctuation, accents of the basic table, spaces and line breaks: one septet each.
    const alphabet = 'abcXYZ019 .,:;!?@£$¥èéùìòÇØøÅåÄÖÑÜäöñüà§¿¡_ΔΦΓΛΩΠΨΣΘΞÆæßÉ\n\r\'"#%&()*+-/<=>';
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let length = 0; length <= 500; length += 1) {
      const text = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      const library = new SegmentedMessage(text);
      expect(smsSizeOf(text)).toEqual({ encoding: library.encodingName, segments: library.segmentsCount });
    }
  });
});
