#!/usr/bin/env bash
# Installs the pinned Foundry binaries (anvil, cast) that ledger_audit runs inside each jail.
#
# They come from the npm registry's platform packages, which ship the binaries themselves; the
# wrapper packages (@foundry-rs/anvil, @foundry-rs/cast) are avoided because their postinstall
# step downloads from elsewhere. `npm pack` fetches each tarball through the ordinary npm client,
# its integrity is checked against the pin below, and the binary is unpacked into
# $FOUNDRY_DIR/<version>/bin. $FOUNDRY_DIR/install.json records the npm integrity hashes and the
# binaries' sha256 for the run manifest. Idempotent: a matching install is left as it is.
set -euo pipefail

VERSION="1.7.1"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FOUNDRY_DIR="${IC_FOUNDRY_DIR:-$ROOT/.foundry}"
TARGET="$FOUNDRY_DIR/$VERSION"
RECORD="$FOUNDRY_DIR/install.json"

# npm integrity (sha512 of the registry tarball) of each pinned platform package.
declare -A INTEGRITY=(
  [anvil]="sha512-+XmShybEaxfCrr0OUUZwYEy2OnYZt5pHH9TzBtLv3+VrK0O/ANuNSVEahqNhKHlgX7GRJ59383ofNhxkRWIYTg=="
  [cast]="sha512-XUpTM2rwtkF8BJ02dae38NNZAx5QfycWRpdR2RmSgOJnasvXuvN58whDVLjQu8IDHEV/fCNIa49aE8V74pmDwQ=="
)

installed_ok() {
  [ -f "$RECORD" ] || return 1
  python3 - "$RECORD" "$TARGET" "$VERSION" <<'PY'
import hashlib, json, sys
record, target, version = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
if record.get("version") != version or record.get("bin_dir") != f"{target}/bin":
    sys.exit(1)
for name, entry in record["binaries"].items():
    try:
        data = open(f"{target}/bin/{name}", "rb").read()
    except OSError:
        sys.exit(1)
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        sys.exit(1)
PY
}

if installed_ok; then
  exit 0
fi

command -v npm >/dev/null 2>&1 || {
  echo "error: npm is needed to install the Foundry binaries (apt-get install -y npm)" >&2
  exit 1
}

mkdir -p "$FOUNDRY_DIR"
WORK="$(mktemp -d "$FOUNDRY_DIR/.staging-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/bin" "$WORK/pack"

echo "installing Foundry $VERSION (anvil, cast) from npm into $TARGET" >&2
for tool in anvil cast; do
  pkg="@foundry-rs/$tool-linux-amd64@$VERSION"
  (cd "$WORK/pack" && npm pack "$pkg" --json --silent >"$tool.json")
  python3 - "$WORK/pack/$tool.json" "${INTEGRITY[$tool]}" <<'PY'
import json, sys
(entry,) = json.load(open(sys.argv[1]))
if entry["integrity"] != sys.argv[2]:
    sys.exit(f"error: integrity mismatch for {entry['name']}: {entry['integrity']}")
PY
  tar -xzf "$WORK/pack/foundry-rs-$tool-linux-amd64-$VERSION.tgz" -C "$WORK/pack" package/bin/$tool
  mv "$WORK/pack/package/bin/$tool" "$WORK/bin/$tool"
  chmod 0555 "$WORK/bin/$tool"
  "$WORK/bin/$tool" --version | grep -q "Version: $VERSION" || {
    echo "error: $tool does not report version $VERSION" >&2
    exit 1
  }
done

rm -rf "$TARGET"
mkdir -p "$TARGET"
mv "$WORK/bin" "$TARGET/bin"
chmod 0755 "$TARGET/bin"

python3 - "$RECORD" "$TARGET" "$VERSION" "${INTEGRITY[anvil]}" "${INTEGRITY[cast]}" <<'PY'
import hashlib, json, os, sys
record, target, version, anvil_integrity, cast_integrity = sys.argv[1:]
integrity = {"anvil": anvil_integrity, "cast": cast_integrity}
out = {
    "version": version,
    "bin_dir": f"{target}/bin",
    "source": "npm platform packages",
    "packages": {
        f"@foundry-rs/{name}-linux-amd64@{version}": {"integrity": integrity[name]}
        for name in ("anvil", "cast")
    },
    "binaries": {
        name: {
            "sha256": hashlib.sha256(open(f"{target}/bin/{name}", "rb").read()).hexdigest(),
            "package": f"@foundry-rs/{name}-linux-amd64@{version}",
        }
        for name in ("anvil", "cast")
    },
}
tmp = record + ".tmp"
with open(tmp, "w") as fh:
    json.dump(out, fh, indent=2)
    fh.write("\n")
os.replace(tmp, record)
PY
echo "Foundry $VERSION installed: $TARGET/bin" >&2
