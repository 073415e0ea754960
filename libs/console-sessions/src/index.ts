export * from './console-sessions.service';
export * from './console-sessions.module';
export * from './console-session.view';
