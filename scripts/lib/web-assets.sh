# shellcheck shell=bash
# Sourced by scripts/run and scripts/test (and .ci/run): makes sure web/dist is built, because
# atende-http embeds it (rust-embed) and release builds need it at compile time; and runs the web
# app's checks (lint: schema freshness, tsc, ESLint; Vitest) for scripts/test.
# Expects to run from the repository root; uses `say` if the caller defines it.

web_say() {
    if declare -F say >/dev/null; then say "$@"; else printf '==> %s\n' "$*" >&2; fi
}

# What the build reads, besides the sources under web/src and web/public.
WEB_BUILD_INPUTS=(
    web/package-lock.json web/package.json web/index.html web/vite.config.ts web/tsconfig.json
    web/scripts/build-api-docs.mjs
)

# Rebuild when an output is missing or older than anything that produces it.
web_needs_build() {
    local out=web/dist/index.html docs=web/dist/api-docs/index.html
    [[ -f $out && -f $docs ]] || return 0
    local src
    for src in "${WEB_BUILD_INPUTS[@]}"; do
        [[ $src -nt $out ]] && return 0
    done
    # Any source file newer than the build (find prints the first one and stops).
    [[ -n $(find web/src web/public -newer "$out" -type f -print -quit 2>/dev/null) ]]
}

# npm ci wipes node_modules: only run it when the lock file changed since the last install.
web_needs_install() {
    local marker=web/node_modules/.package-lock.json
    [[ ! -f $marker || web/package-lock.json -nt $marker ]]
}

web_install() {
    if ! command -v npm >/dev/null 2>&1; then
        printf 'npm not found: install Node.js 20+ and npm to build web/\n' >&2
        return 1
    fi
    if web_needs_install; then
        web_say "installing web dependencies (npm ci in web/)"
        (cd web && npm ci --no-audit --no-fund)
    fi
}

ensure_web_assets() {
    if ! web_needs_install && ! web_needs_build; then
        web_say "web assets up to date (web/dist)"
        return 0
    fi
    web_install || return 1
    if web_needs_build; then
        web_say "building web assets (npm run build in web/)"
        (cd web && npm run build)
    fi
}

# The web app's checks: `npm run lint` (schema.d.ts fresh against openapi.json, tsc, ESLint) and
# `npm test` (Vitest). Returns non-zero when either fails.
web_checks() {
    web_install || return 1
    local ok=0
    web_say "web lint (npm run lint in web/)"
    (cd web && npm run --silent lint) || ok=1
    web_say "web unit tests (npm test in web/)"
    (cd web && npm test --silent) || ok=1
    return $ok
}
