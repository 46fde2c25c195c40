# One image for the three parts (example tokenizer, collector sidecar, receiver); docker-compose.yml
# picks the command. Multi-stage: build with dev dependencies, ship production dependencies only,
# run as the unprivileged `node` user.
#
# The runtime stage copies one finished directory (/app of the `app` stage) and nothing else, so
# whatever `npm ci --omit=dev` installs — hoisted to /app/node_modules or nested under a
# workspace's own node_modules — ships as npm laid it out. test/src/image-layout.test.ts
# assembles this layout from this file and starts every compose command from it.

# --- toolchain: better-sqlite3 compiles its native addon when no prebuilt binary can be fetched
FROM node:20-bookworm-slim AS toolchain
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*

# --- manifests: every workspace manifest, so source edits keep the install layers cached
FROM toolchain AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY config/package.json config/
COPY instrumentation/package.json instrumentation/
COPY instrumentation/examples/tokenizer/package.json instrumentation/examples/tokenizer/
COPY processor/package.json processor/
COPY receiver/package.json receiver/
COPY testkit/package.json testkit/
COPY test/package.json test/
COPY demo/package.json demo/

# --- build: every dependency, TypeScript → dist/
FROM manifests AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY config config
COPY instrumentation instrumentation
COPY processor processor
COPY receiver receiver
COPY testkit testkit
COPY demo demo
RUN npm run build

# --- app: production dependencies wherever npm puts them, then the built code and its files
FROM manifests AS app
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/config/dist config/dist
COPY --from=build /app/instrumentation/dist instrumentation/dist
COPY --from=build /app/instrumentation/examples/tokenizer/dist instrumentation/examples/tokenizer/dist
COPY --from=build /app/instrumentation/examples/tokenizer/bin instrumentation/examples/tokenizer/bin
COPY --from=build /app/processor/dist processor/dist
COPY --from=build /app/processor/bin processor/bin
COPY --from=build /app/receiver/dist receiver/dist
COPY --from=build /app/receiver/bin receiver/bin
COPY --from=build /app/receiver/src/dashboard/assets receiver/src/dashboard/assets
COPY otel-collector.yaml ./

# --- runtime: the app directory as one piece, no compiler, no dev dependencies
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=app --chown=root:root /app /app
# State directories owned by the runtime user; named volumes mounted here inherit the ownership.
RUN mkdir -p /var/lib/lunadefend /app/data && chown node:node /var/lib/lunadefend /app/data
USER node
EXPOSE 3000 8080
CMD ["node", "receiver/dist/main.js", "serve"]
