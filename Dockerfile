# syntax=docker/dockerfile:1
# mailsetup as a container. Three stages, the same steps as test/install/production-install.test.ts:
#   build    — full install (compilers for better-sqlite3), `npm ci` builds dist/ through `prepare`;
#   prod     — dist/ and the package files only, `npm ci --omit=dev` (no TypeScript, tsx, vitest);
#   runtime  — no compilers, a non-root user, the store on a volume, a health check on /healthz.
# Build: docker build -t mailsetup .   Run: see deploy/compose.yaml.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY bin ./bin
COPY src ./src
COPY lab ./lab
RUN npm ci --no-audit --no-fund

FROM build AS prod
WORKDIR /app
RUN cp -r /src/dist /src/bin /src/scripts /src/package.json /src/package-lock.json . \
 && npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    MAILSETUP_CONFIG=/config/mailsetup.yaml \
    MAILSETUP__store__path=/data/mailsetup.db \
    MAILSETUP__http__host=0.0.0.0 \
    MAILSETUP__http__port=8080
WORKDIR /app
COPY --from=prod /app ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/mailsetup.js"]
CMD ["start"]
