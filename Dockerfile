# syntax=docker/dockerfile:1
#
# Atende: one image, one binary. Run it as web + worker (default), or pass `serve --no-worker` /
# `worker` / `migrate` / `tenant create ...` as the command.
#
#   docker build -t atende .
#   docker run -p 8080:8080 -v atende-data:/data atende          # SQLite in the /data volume
#
# docker-compose.yml shows a PostgreSQL deployment. Settings: docs/configuration.md.

# --- 1. web assets ----------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json web/.npmrc ./
# --ignore-scripts: no dependency needs an install script today. npm 11 (our machines) blocks
# unapproved ones by default through "allowScripts" in package.json; the npm 10 in this image does
# not know that field, so it is enforced here explicitly.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY web/ ./
RUN npm run build

# --- 2. the binary ----------------------------------------------------------------------------------
FROM rust:1.95-bookworm AS build
WORKDIR /src
# .cargo/config.toml sets SQLX_OFFLINE=true (no database at build time).
COPY .cargo/ .cargo/
COPY Cargo.toml Cargo.lock ./
COPY crates/ crates/
# rust-embed includes web/dist in the release binary at compile time, so it must be in place first.
COPY --from=web /src/web/dist/ web/dist/
# The cache mounts keep the registry and target directory between builds on the same builder; the
# binary is copied out of the target mount in the same step.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p atende \
    && install -m 0755 target/release/atende /usr/local/bin/atende

# --- 3. runtime -------------------------------------------------------------------------------------
# debian:bookworm-slim rather than gcr.io/distroless/cc-debian12: both carry the glibc the builder
# (also bookworm) linked against, but here we can create the `atende` user with a fixed uid (10001)
# and a /data directory it owns with plain RUN steps, and an operator can `docker exec` a shell
# to run `atende` subcommands. The cost is ~30 MB and a shell in the image. There is no curl: the
# health check is the binary's own `atende healthcheck` (GET /healthz on ATENDE_LISTEN).
FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 atende \
    && useradd --system --uid 10001 --gid atende --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin atende \
    && mkdir -p /data \
    && chown atende:atende /data

COPY --from=build /usr/local/bin/atende /usr/local/bin/atende

ENV ATENDE_DATA_DIR=/data \
    ATENDE_DATABASE_URL=sqlite:///data/atende.db \
    ATENDE_LISTEN=0.0.0.0:8080 \
    ATENDE_LOG_FORMAT=json

# The data directory holds the SQLite database, secret.key (if ATENDE_SECRET_KEY is not set) and
# locally stored media. Declared after the chown so a new volume starts owned by `atende`.
VOLUME ["/data"]
WORKDIR /data
USER atende:atende
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/atende", "healthcheck"]

ENTRYPOINT ["/usr/local/bin/atende"]
CMD ["serve"]
