/** Herald's boundaries, enforced in CI (`npm run lint:deps`). See ../shared/docs/STYLE.md, "Boundaries". */

/** What may not import what: modules whose path matches `from` (and not `fromNot`) never import one matching `to`. */
const boundaries = [
  { name: 'libs-never-import-apps', from: '^libs/', to: '^apps/' },
  { name: 'api-and-worker-stay-apart', from: '^apps/api/', to: '^apps/worker/' },
  { name: 'worker-and-api-stay-apart', from: '^apps/worker/', to: '^apps/api/' },
  {
    name: 'channels-know-no-queues-or-database',
    comment: 'A provider adapter turns a message into a provider call, nothing more.',
    from: '^libs/channels/',
    to: '^libs/(queues|persistence|delivery|notifications|orders)/|node_modules/(bullmq|typeorm|pg)/',
  },
  {
    name: 'scheduling-rules-know-no-provider-or-http',
    comment: 'When a message goes (reminder time, quiet hours, time zones) is decided without knowing how it travels.',
    from: '^libs/(scheduling|orders|notifications|queues)/',
    to: '^libs/channels/|node_modules/(twilio|@vonage|@sendgrid|express|@nestjs/platform-express)/',
  },
  {
    name: 'exports-mail-through-the-email-channel',
    comment: 'The daily export reaches SendGrid (or the log driver) through the email channel port, like every other mail.',
    from: '^libs/exports/',
    to: 'node_modules/(@sendgrid|twilio|@vonage)/',
  },
  {
    name: 'redis-connections-in-one-place',
    comment: 'Every Redis client is made by libs/redis for the configured topology (single, Cluster, Sentinel): ask RedisClients.',
    from: '^(apps|libs)/',
    fromNot: '^libs/redis/',
    to: 'node_modules/ioredis/',
  },
  {
    name: 'scheduling-rules-are-pure',
    comment: 'libs/scheduling is arithmetic on instants and calendars: no framework, no storage, no queue; luxon only.',
    from: '^libs/scheduling/',
    to: '^libs/(?!scheduling/)|node_modules/(?!luxon/)',
  },
  {
    name: 'console-talks-http-only',
    comment: 'The console is a browser app: it reaches Herald through its HTTP API (the generated client), never by importing its code.',
    from: '^apps/console/',
    to: '^(libs|apps/(api|worker))/',
  },
  { name: 'nothing-imports-the-console', from: '^(libs|apps/(api|worker))/', to: '^apps/console/' },
];

module.exports = {
  forbidden: [
    ...boundaries.map(({ name, comment, from, fromNot, to }) => ({
      name,
      ...(comment && { comment }),
      severity: 'error',
      from: { path: from, ...(fromNot && { pathNot: fromNot }) },
      to: { path: to },
    })),
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.(spec|e2e-spec|int-spec)\\.ts$' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
