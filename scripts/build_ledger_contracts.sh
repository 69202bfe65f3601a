#!/usr/bin/env bash
# Rebuilds ledger_audit's precompiled contract artifacts with npm `solc` (solcjs), offline.
#
# Source:   inspect_ic/tasks/ledger_audit/assets/contracts/SettlementToken.sol
# Output:   inspect_ic/tasks/ledger_audit/assets/chain/precompiled_artifacts.json
#           (ABI, creation and runtime bytecode, compiler version, settings, source sha256)
# The artifacts are committed; tasks never compile at run time. solcjs is installed into
# build/solcjs (gitignored) at the pinned version. Re-running gives byte-identical output.
set -euo pipefail

SOLC_VERSION="0.8.37"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TASK="$ROOT/inspect_ic/tasks/ledger_audit/assets"
PREFIX="$ROOT/build/solcjs"

command -v npm >/dev/null 2>&1 || { echo "error: npm is needed (apt-get install -y npm)" >&2; exit 1; }
if [ "$(node -p "try{require('$PREFIX/node_modules/solc/package.json').version}catch(e){''}")" != "$SOLC_VERSION" ]; then
  mkdir -p "$PREFIX"
  npm install --prefix "$PREFIX" --no-save --no-audit --no-fund --silent "solc@$SOLC_VERSION"
fi

NODE_PATH="$PREFIX/node_modules" node - "$TASK/contracts/SettlementToken.sol" \
  "$TASK/chain/precompiled_artifacts.json" <<'JS'
const fs = require("fs");
const crypto = require("crypto");
const solc = require("solc");
const [srcPath, outPath] = process.argv.slice(2);
const source = fs.readFileSync(srcPath, "utf8");
const settings = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "cancun",
  metadata: { bytecodeHash: "none" },
  outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
};
const input = { language: "Solidity", sources: { "SettlementToken.sol": { content: source } }, settings };
const output = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (output.errors || []).filter((e) => e.severity === "error");
if (errors.length) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}
const c = output.contracts["SettlementToken.sol"].SettlementToken;
const sha256 = (s) => crypto.createHash("sha256").update(s).digest("hex");
const artifact = {
  contract: "SettlementToken",
  source_file: "contracts/SettlementToken.sol",
  source_sha256: sha256(Buffer.from(source, "utf8")),
  compiler: { name: "solcjs", npm_package: "solc", version: solc.version() },
  settings: { optimizer: settings.optimizer, evmVersion: settings.evmVersion, metadata: settings.metadata },
  abi: c.abi,
  bytecode: "0x" + c.evm.bytecode.object,
  deployed_bytecode: "0x" + c.evm.deployedBytecode.object,
};
fs.writeFileSync(outPath, JSON.stringify(artifact, null, 2) + "\n");
console.error(`wrote ${outPath} (solc ${solc.version()})`);
JS
