# syntax=docker/dockerfile:1
# One image for every process: trunkctl worker | events | codec-server | simulator | outbound … (docker-compose.yml).
# glibc (Debian), not Alpine: Temporal's native core-bridge ships for glibc only.
ARG NODE_IMAGE=node:22.23.3-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY domain ./domain
COPY exotel ./exotel
COPY simulator ./simulator
COPY activities ./activities
COPY workflows ./workflows
COPY worker ./worker
COPY client ./client
COPY cli ./cli
COPY events ./events
COPY codec ./codec
COPY platform ./platform
COPY voice-ai ./voice-ai
COPY sip ./sip
COPY scripts ./scripts
# dist/ mirrors the source tree (dist/cli/trunkctl.js …); the workflow bundle is built once, here, so workers
# start without webpack.
RUN npx tsc -p tsconfig.build.json \
 && npx tsx scripts/build-workflow-bundle.ts dist/workflow-bundle.js

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    WORKER_MODE=production \
    WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The node image's unprivileged user (uid 1000).
USER node
ENTRYPOINT ["node", "dist/cli/trunkctl.js"]
CMD ["worker"]
