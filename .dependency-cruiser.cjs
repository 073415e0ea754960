/** Herald's boundaries, enforced in CI (`npm run lint:deps`). See ../shared/docs/STYLE.md, "Boundaries". */
module.exports = {
  forbidden: [
    { name: 'libs-never-import-apps', severity: 'error', from: { path: '^libs/' }, to: { path: '^apps/' } },
    { name: 'api-and-worker-stay-apart', severity: 'error', from: { path: '^apps/api/' }, to: { path: '^apps/worker/' } },
    { name: 'worker-and-api-stay-apart', severity: 'error', from: { path: '^apps/worker/' }, to: { path: '^apps/api/' } },
    {
      name: 'channels-know-no-queues-or-database',
      comment: 'A provider adapter turns a message into a provider call, nothing more.',
      severity: 'error',
      from: { path: '^libs/channels/' },
      to: { path: '^libs/(queues|persistence|delivery|notifications|orders)/|node_modules/(bullmq|typeorm|pg)/' },
    },
    {
      name: 'scheduling-rules-know-no-provider-or-http',
      comment: 'When a message goes (reminder time, quiet hours, time zones) is decided without knowing how it travels.',
      severity: 'error',
      from: { path: '^libs/(scheduling|orders|notifications|queues)/' },
      to: { path: '^libs/channels/|node_modules/(twilio|@vonage|@sendgrid|express|@nestjs/platform-express)/' },
    },
    {
      name: 'exports-mail-through-the-email-channel',
      comment: 'The daily export reaches SendGrid (or the log driver) through the email channel port, like every other mail.',
      severity: 'error',
      from: { path: '^libs/exports/' },
      to: { path: 'node_modules/(@sendgrid|twilio|@vonage)/' },
    },
    {
      name: 'redis-connections-in-one-place',
      comment: 'Every Redis client is made by libs/redis for the configured topology (single, Cluster, Sentinel): ask RedisClients.',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: '^libs/redis/' },
      to: { path: 'node_modules/ioredis/' },
    },
    {
      name: 'scheduling-rules-are-pure',
      comment: 'libs/scheduling is arithmetic on instants and calendars: no framework, no storage, no queue; luxon only.',
      severity: 'error',
      from: { path: '^libs/scheduling/' },
      to: { path: '^libs/(?!scheduling/)|node_modules/(?!luxon/)' },
    },
    {
      name: 'console-talks-http-only',
      comment: 'The console is a browser app: it reaches Herald through its HTTP API (the generated client), never by importing its code.',
      severity: 'error',
      from: { path: '^apps/console/' },
      to: { path: '^(libs|apps/(api|worker))/' },
    },
    {
      name: 'nothing-imports-the-console',
      severity: 'error',
      from: { path: '^(libs|apps/(api|worker))/' },
      to: { path: '^apps/console/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.(spec|e2e-spec|int-spec)\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
