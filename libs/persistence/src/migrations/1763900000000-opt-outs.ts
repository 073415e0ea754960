import { MigrationInterface, QueryRunner } from 'typeorm';

export class OptOuts1763900000000 implements MigrationInterface {
  name = 'OptOuts1763900000000';

  async up(db: QueryRunner): Promise<void> {
    // A customer opts out of one sender (the number they texted STOP to), not of every shop on the platform.
    await db.query(`
      CREATE TABLE opt_outs (
        sender text NOT NULL,
        phone text NOT NULL,
        source text NOT NULL,
        opted_out_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (sender, phone)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE opt_outs');
  }
}
