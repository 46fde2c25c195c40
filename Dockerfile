# One image for the three parts (example tokenizer, collector sidecar, receiver); docker-compose.yml
# picks the command. Multi-stage: build with dev dependencies, ship production dependencies only,
# run as the unprivileged `node` user.

# --- dependencies: every workspace manifest first, so source edits keep this layer cached
FROM node:20-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 compiles its native addon when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY config/package.json config/
COPY instrumentation/package.json instrumentation/
COPY instrumentation/examples/tokenizer/package.json instrumentation/examples/tokenizer/
COPY processor/package.json processor/
COPY receiver/package.json receiver/
COPY test/package.json test/
RUN npm ci --no-audit --no-fund

# --- build: TypeScript → dist/
FROM deps AS build
COPY tsconfig.base.json tsconfig.json ./
COPY config config
COPY instrumentation instrumentation
COPY processor processor
COPY receiver receiver
COPY test test
RUN npm run build

# --- production dependencies only
FROM deps AS prod-deps
RUN npm ci --omit=dev --no-audit --no-fund

# --- runtime
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps --chown=root:root /app/node_modules node_modules
COPY --from=build /app/package.json ./
COPY --from=build /app/config/package.json config/
COPY --from=build /app/config/dist config/dist
COPY --from=build /app/instrumentation/package.json instrumentation/
COPY --from=build /app/instrumentation/dist instrumentation/dist
COPY --from=build /app/instrumentation/examples/tokenizer/package.json instrumentation/examples/tokenizer/
COPY --from=build /app/instrumentation/examples/tokenizer/dist instrumentation/examples/tokenizer/dist
COPY --from=build /app/processor/package.json processor/
COPY --from=build /app/processor/dist processor/dist
COPY --from=build /app/receiver/package.json receiver/
COPY --from=build /app/receiver/dist receiver/dist
COPY --from=build /app/receiver/src/dashboard/assets receiver/src/dashboard/assets
COPY otel-collector.yaml ./
# State directories owned by the runtime user; named volumes mounted here inherit the ownership.
RUN mkdir -p /var/lib/lunadefend /app/data && chown node:node /var/lib/lunadefend /app/data
USER node
EXPOSE 3000 8080
CMD ["node", "receiver/dist/main.js", "serve"]
