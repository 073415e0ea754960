// A `.env` file at the repository's root, when there is one, configures `npm start` and `npm test` as it does the
// Docker path. The environment wins: a variable already set is never replaced by the file's.
const fs = require('node:fs');
const path = require('node:path');

function loadLocalEnv(directory = path.join(__dirname, '..')) {
  const file = path.join(directory, '.env');
  if (fs.existsSync(file)) process.loadEnvFile(file);
}

module.exports = { loadLocalEnv };
