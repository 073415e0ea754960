import { classifyKeyword } from './opt-out-keywords';

describe('opt-out keywords', () => {
  it.each(['STOP', 'stop', '  Stop \n', 'STOPALL', 'unsubscribe', 'Cancel', 'END', 'quit', 'REVOKE', 'optout', 'ARRET', 'Arrêt', 'arrêt', 'ARRÊT'])(
    '%j opts the customer out',
    (body) => expect(classifyKeyword(body)).toBe('opt_out'),
  );

  it.each(['START', 'start', ' Yes ', 'UNSTOP', 'Reprendre'])('%j opts the customer back in', (body) => {
    expect(classifyKeyword(body)).toBe('opt_in');
  });

  it.each(['', 'Please stop texting me', 'STOP IT', 'stopp', 'HELP', 'What time do you open?', 'yes please', 'START NOW'])(
    '%j is an ordinary message, not a keyword',
    (body) => expect(classifyKeyword(body)).toBeNull(),
  );
});
