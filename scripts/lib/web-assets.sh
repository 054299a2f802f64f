# shellcheck shell=bash
# Sourced by scripts/run and scripts/test (and .ci/run): makes sure web/dist is built, because
# atende-http embeds it (rust-embed) and release builds need it at compile time.
# Expects to run from the repository root; uses `say` if the caller defines it.

web_say() {
    if declare -F say >/dev/null; then say "$@"; else printf '==> %s\n' "$*" >&2; fi
}

# Rebuild when the output is missing or older than what produces it.
web_needs_build() {
    local out=web/dist/api-docs/index.html
    [[ ! -f $out ]] && return 0
    local src
    for src in web/package-lock.json web/package.json web/scripts/build-api-docs.mjs; do
        [[ $src -nt $out ]] && return 0
    done
    return 1
}

# npm ci wipes node_modules: only run it when the lock file changed since the last install.
web_needs_install() {
    local marker=web/node_modules/.package-lock.json
    [[ ! -f $marker || web/package-lock.json -nt $marker ]]
}

ensure_web_assets() {
    if ! web_needs_install && ! web_needs_build; then
        web_say "web assets up to date (web/dist)"
        return 0
    fi
    if ! command -v npm >/dev/null 2>&1; then
        printf 'npm not found: install Node.js 20+ and npm to build web/\n' >&2
        return 1
    fi
    if web_needs_install; then
        web_say "installing web dependencies (npm ci in web/)"
        (cd web && npm ci --no-audit --no-fund)
    fi
    if web_needs_build; then
        web_say "building web assets (npm run build in web/)"
        (cd web && npm run build)
    fi
}
