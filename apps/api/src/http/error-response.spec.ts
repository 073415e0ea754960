import { QueryFailedError } from 'typeorm';
import { toErrorBody } from './error-response';

/** What the pg driver throws: a DatabaseError carrying the SQLSTATE in `code`. */
const databaseError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'ERROR' });

describe('the error answer', () => {
  it.each([
    ['22P02', 'invalid input syntax for type uuid: "------------------------------------"'],
    ['22008', 'timestamp out of range: "-5000-01-01"'],
    ['22021', 'invalid byte sequence for encoding "UTF8": 0x00'],
    ['22003', 'value "99999999999" is out of range for type integer'],
    ['54000', 'index row requires 9000 bytes, maximum size is 8191'],
  ])('maps the database refusing an input value (%s) to 400 validation_failed, keeping the detail for the log', (code, message) => {
    for (const error of [databaseError(code, message), new QueryFailedError('SELECT 1', [], databaseError(code, message))]) {
      const answer = toErrorBody(error);
      expect(answer.body).toEqual({ statusCode: 400, code: 'validation_failed', message: expect.not.stringContaining(message) });
      expect(answer).toMatchObject({ internal: false, refusedInput: { sqlState: code, message } });
    }
  });

  it('keeps other database errors a 500', () => {
    expect(toErrorBody(databaseError('23505', 'duplicate key value violates unique constraint'))).toMatchObject({ body: { statusCode: 500 }, internal: true });
    expect(toErrorBody(databaseError('42P01', 'relation "x" does not exist'))).toMatchObject({ body: { statusCode: 500 }, internal: true });
  });

  it('answers a client error from the body parsers with its own status', () => {
    const zlib = Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR', status: 400, statusCode: 400, expose: true });
    expect(toErrorBody(zlib)).toMatchObject({ body: { statusCode: 400, code: 'bad_request' }, internal: false });
    expect(toErrorBody(Object.assign(new Error('boom'), { status: 500, expose: false }))).toMatchObject({ body: { statusCode: 500 }, internal: true });
  });
});
