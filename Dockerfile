# PlusOne app image: the built PWA and the TypeScript server (run by tsx), as the unprivileged
# `node` user. Checked by server/deploy/compose.test.ts; operated as in docs/operations.md.

# Build the PWA with the dev dependencies (vite and its plugins).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx vite build

# Run with the production dependencies only, plus the PostgreSQL 15 client tools that
# `npm run backup` / `npm run restore` use (bookworm's postgresql-client is 15, like the
# postgres:15 service in docker-compose.yml: pg_dump must not be older than the server).
FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends postgresql-client \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY shared ./shared
COPY server ./server
# DATA_DIR when there is no DATABASE_URL (embedded database); owned by the user that runs.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=6 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "tsx", "server/main.ts"]
