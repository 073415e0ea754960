# Herald image: one image for every process (API, worker, migrations); the command picks which.
#   docker build -t herald .
#   docker run --rm herald                                          # API (default CMD)
#   docker run --rm herald node dist/apps/worker/src/main.js        # worker
#   docker run --rm herald node dist/libs/persistence/src/migrate.js
# Configuration (DATABASE_URL, REDIS_URL, ADMIN_*, provider keys...) comes from the environment at run
# time only; nothing secret is baked into the image. See docker-compose.yml for a complete stack.

# Node 24: an LTS line supported until April 2028 (Node 20 left support in April 2026).
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: full dependency tree, compile, then drop devDependencies -------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Manifests first so the dependency layer is cached until package*.json change.
# --ignore-scripts: the project denies install scripts (package.json "allowScripts") and the build needs
# no native module (msgpackr-extract is optional; msgpackr falls back to pure JS).
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

# Sources (.dockerignore keeps node_modules, dist, tests output, secrets... out of the context).
COPY . .
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# ---- runtime: production node_modules + compiled dist only -----------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app

# Files stay owned by root (read-only for the app user); the process runs as the image's `node` user.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist

USER node
EXPOSE 3000
CMD ["node", "dist/apps/api/src/main.js"]
