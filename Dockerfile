# Herald image: one image for every process (API, worker, migrations); the command picks which.
#   docker build -t herald .
#   docker run --rm herald                                          # API (default CMD)
#   docker run --rm herald node dist/apps/worker/src/main.js        # worker
#   docker run --rm herald node dist/libs/persistence/src/migrate.js
# Configuration (DATABASE_URL, REDIS_URL, ADMIN_*, provider keys...) comes from the environment at run
# time only; nothing secret is baked into the image. See docker-compose.yml for a complete stack.
# test/e2e/compose-file.e2e-spec.ts checks this file's shape (stages, user, what reaches the runtime stage).

# Node 24: an LTS line supported until April 2028 (Node 20 left support in April 2026).
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- deps: production dependencies only, installed on their own ------------------------------------
# --ignore-scripts: the project denies install scripts (package.json "allowScripts") and needs no native
# module. --omit=optional as well as dev: npm keeps a package that is both a devDependency and an optional
# peer of a runtime one (TypeScript, ts-node: optional peers of typeorm) unless both kinds are left out;
# the runtime's own optional packages are msgpackr's native decoder (pure-JS fallback) and pg's Cloudflare
# socket. Manifests only, so this layer is cached until package*.json change.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

# ---- build: the full dependency tree (TypeScript...), then compile apps and libs -------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
# Only what the compiler reads: no tests, benchmarks or docs (tsconfig.build.json leaves out *.spec.ts).
COPY tsconfig.base.json tsconfig.build.json ./
COPY scripts/build.js ./scripts/
COPY apps ./apps
COPY libs ./libs
RUN npm run build

# ---- runtime: production node_modules + compiled apps and libs -------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app

# Files stay owned by root (read-only for the app user); the process runs as the image's `node` user.
COPY --from=deps /app/package.json ./package.json
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/apps ./dist/apps
COPY --from=build /app/dist/libs ./dist/libs

USER node
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
