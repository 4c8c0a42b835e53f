# Modelport server image. CPU-only by default: onnxruntime-node's CUDA download is skipped by .npmrc
# and @tensorflow/tfjs-node-gpu (optional) is dropped when it cannot fetch libtensorflow.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json tsconfig.client.json nest-cli.json ./
COPY src ./src
COPY engines ./engines
COPY migrations ./migrations
COPY bench ./bench
COPY web ./web
COPY config ./config
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/data
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
COPY config ./config
# /models: where docker-compose.scale.yml mounts the shared model store (MODEL_STORE_DIR); a fresh named volume takes this ownership.
RUN mkdir -p /data /models && chown node:node /data /models
USER node
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/server.mjs"]
