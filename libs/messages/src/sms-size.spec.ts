import { SegmentedMessage } from 'sms-segments-calculator';
import { smsSizeOf } from './sms-size';

/*
 * Answers checked against GSM 03.38 and 3GPP TS 23.040: one segment holds 160 GSM-7 septets or 70 UCS-2
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

  it('agrees with Twilio’s calculator on whether each character of the BMP is GSM-7', () => {
    const disagreements: string[] = [];
    for (let code = 0; code < 0x10000; code += 1) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const char = String.fromCharCode(code);
      if (smsSizeOf(char).encoding !== new SegmentedMessage(char).encodingName) disagreements.push(`U+${code.toString(16)}`);
    }
    expect(disagreements).toEqual([]);
  });

  /*
   * Texts as merchants write them, of every length around the boundaries: Latin with extension characters, French and
   * Arabic with their marks (ً of غدًا stays with its letter), emoji with skin tones, flags and ZWJ families, Chinese,
   * line breaks and the isolates of right-to-left texts.
   */
  const alphabets: Record<string, string[]> = {
    gsm: [...'abcXYZ019 .,:;!?@£$¥èéùìòÇØøÅåÄÖÑÜäöñüà§¿¡_ΔΦΓΛΩΠΨΣΘΞÆæßÉ\n\r\'"#%&()*+-/<=>'],
    gsmWithExtension: [...'abc XYZ 019.,!?€^{}[]~|\\\f'],
    french: [...'Bonjour à tous, votre commande ç ê î ô û œ est prête. '],
    arabic: [...'مرحبا طلبك جاهز من متجر ', 'دً', 'غً', 'بُ', 'سّ', 'ةٌ', '\u2068', '\u2069', ' A-1042 '],
    emoji: [...'Hi ok ', '😀', '👍🏽', '🇫🇷', '👨‍👩‍👧', '❤️', '🎉'],
    chinese: [...'您的订单已准备好取货谢谢 ', '𠀀'],
  };
  for (const [name, alphabet] of Object.entries(alphabets)) {
    it(`counts ${name} texts exactly as Twilio’s calculator does, at every length up to 320 pieces`, () => {
      let seed = 7;
      const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
      for (let length = 0; length <= 320; length += 1) {
        const text = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
        const library = new SegmentedMessage(text);
        expect([text, smsSizeOf(text)]).toEqual([text, { encoding: library.encodingName, segments: library.segmentsCount }]);
      }
    });
  }

  it('counts the 166,600 characters of a text the calculator needs minutes for in one pass', () => {
    expect(smsSizeOf('ب'.repeat(166_600))).toEqual({ encoding: 'UCS-2', segments: Math.ceil(166_600 / 67) });
    expect(smsSizeOf('a'.repeat(166_600))).toEqual({ encoding: 'GSM-7', segments: Math.ceil(166_600 / 153) });
    expect(smsSizeOf(`${'€'.repeat(83_300)}`)).toEqual({ encoding: 'GSM-7', segments: Math.ceil(83_300 / 76) });
  });
});
