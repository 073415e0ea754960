// Preloaded into Herald's processes by `npm run bench -- --profile` (NODE_OPTIONS=--require …), because Node refuses
// --cpu-prof in NODE_OPTIONS: runs V8's sampling profiler from boot and writes a .cpuprofile into
// BENCH_PROFILE_DIR when the process is told to stop (SIGTERM), before the app's own shutdown runs.
const { writeFileSync } = require('node:fs');
const { Session } = require('node:inspector');

const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');

process.once('SIGTERM', () => {
  // The in-process inspector answers synchronously, so the profile is on disk before the shutdown goes on.
  session.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(`${process.env.BENCH_PROFILE_DIR}/${process.pid}.cpuprofile`, JSON.stringify(result.profile));
  });
});
