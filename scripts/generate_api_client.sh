#!/usr/bin/env bash
# Regenerate tests/web/generated_client/ (a Python client of the REST API) from the app's OpenAPI document.
#
# Run after changing an API route or model; tests/web/test_web_generated_client.py fails while the committed client
# is stale. openapi-python-client is installed into a separate virtual environment (OAPI_VENV), never into the
# project's .venv: it would pin typer and move httpx. The generated package needs only httpx and attrs at run time.
set -euo pipefail

GENERATOR_VERSION=0.29.1   # a newer generator writes different code: bump on purpose, then regenerate
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
OAPI_VENV="${OAPI_VENV:-${TMPDIR:-/tmp}/cellbench-openapi-python-client}"
TARGET="$ROOT/tests/web/generated_client"

if [ ! -x "$OAPI_VENV/bin/openapi-python-client" ] \
   || [ "$("$OAPI_VENV/bin/openapi-python-client" --version | awk '{print $NF}')" != "$GENERATOR_VERSION" ]; then
    python3 -m venv --clear "$OAPI_VENV"
    "$OAPI_VENV/bin/pip" install --quiet "openapi-python-client==$GENERATOR_VERSION"
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# The document as the server publishes it at /openapi.json (it does not depend on the settings: a throwaway store)
"$PYTHON" - "$WORK" <<'EOF'
import json, sys
from pathlib import Path

from cellbench.web import WebSettings, create_app

work = Path(sys.argv[1])
app = create_app(WebSettings(database_url=f"sqlite:///{work / 'cb.db'}", data_dir=work / "data"))
document = app.openapi()
app.state.store.close()
(work / "openapi.json").write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
EOF

# the generator's post-hooks (ruff check --fix, ruff format) come from its own environment
PATH="$OAPI_VENV/bin:$PATH" openapi-python-client generate --path "$WORK/openapi.json" --meta none \
    --output-path "$WORK/generated_client" --fail-on-warning

# the document it was generated from: the test compares it with the app's current document
cp "$WORK/openapi.json" "$WORK/generated_client/openapi.json"
# some generated modules are named test_*.py (operations on /tests): pytest must not collect them
cat > "$WORK/generated_client/conftest.py" <<'EOF'
# Written by scripts/generate_api_client.sh: generated code, not tests.
collect_ignore_glob = ["*"]
EOF

rm -rf "$WORK/generated_client/.ruff_cache"   # left by the generator's formatting hooks
rm -rf "$TARGET"
mv "$WORK/generated_client" "$TARGET"
echo "wrote $TARGET (openapi-python-client $GENERATOR_VERSION)"
