import { MigrationInterface, QueryRunner } from 'typeorm';

export class ReminderFollowUps1764100000000 implements MigrationInterface {
  name = 'ReminderFollowUps1764100000000';

  async up(db: QueryRunner): Promise<void> {
    // A reminder planned because the pickup moved after the first reminder went out points at that one; a reminder
    // is followed up at most once (the follow-up itself moves if the pickup moves again).
    await db.query(`ALTER TABLE notifications ADD COLUMN previous_reminder_id uuid REFERENCES notifications(id)`);
    await db.query(`CREATE UNIQUE INDEX notifications_follow_up ON notifications (previous_reminder_id) WHERE previous_reminder_id IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX notifications_follow_up');
    await db.query('ALTER TABLE notifications DROP COLUMN previous_reminder_id');
  }
}
