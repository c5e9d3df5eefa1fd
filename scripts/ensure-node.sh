# Sourced by the entry scripts: puts Node 22 (the project's engine) first on PATH, fetching it from the npm
# registry into the git-ignored .tools/ when this machine's node is older. Pinned, so CI runs what was tested.
NODE_VERSION=22.23.3
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 22 ]; then
  node_dir="$PWD/.tools/node-$NODE_VERSION"
  if [ ! -x "$node_dir/node_modules/node/bin/node" ]; then
    echo "installing Node $NODE_VERSION into .tools/ (this machine has $(node --version 2>/dev/null || echo none))…" >&2
    npm install --prefix "$node_dir" "node@$NODE_VERSION" --no-audit --no-fund --no-save >&2
  fi
  export PATH="$node_dir/node_modules/node/bin:$PATH"
fi
