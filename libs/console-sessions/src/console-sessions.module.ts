import { Module } from '@nestjs/common';
import { ConsoleSessions } from './console-sessions.service';

@Module({ providers: [ConsoleSessions], exports: [ConsoleSessions] })
export class ConsoleSessionsModule {}
