# PlusOne app image: the built PWA and the TypeScript server (run by tsx).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx vite build && npm prune --omit=dev --no-audit --no-fund
EXPOSE 3000
USER node
CMD ["node", "--import", "tsx", "server/main.ts"]
