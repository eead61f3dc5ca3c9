#!/usr/bin/env bash
# Instructions per call of a fresh-path workload, counted by valgrind (immune to the load of a
# shared machine, unlike any timing): bundles benchmarks/tools/irRun.ts against src/ (or the src
# directory given as $3), runs it with `warm` calls and with `warm + count` calls, and divides the
# difference (node --predictable: GC and compilation on the main thread, so a run repeats
# its count closely). Usage: benchmarks/tools/irCount.sh 'W2 jvp' [count] [srcDir] [warm]
set -euo pipefail
name=$1; count=${2:-20}; src=${3:-src}; warm=${4:-200}
here=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
# The bundle takes the library from $src; --ignore-annotations keeps its side-effect imports
# (package.json says sideEffects: false, which esbuild would otherwise honour inside the library).
sed "s#'../../src/index'#'$(cd "$src" && pwd)/index'#" "$here/benchmarks/tools/irRun.ts" > "$out/irRun.ts"
(cd "$here" && npx esbuild "$out/irRun.ts" --bundle --platform=node --format=esm --ignore-annotations --log-level=error --outfile="$out/run.mjs")
ir() { valgrind --tool=cachegrind --cache-sim=no --smc-check=all-non-file --cachegrind-out-file=/dev/null node --predictable "$out/run.mjs" "$name" "$warm" "$1" 2>&1 | awk '/I *refs:/ { gsub(",", "", $4); print $4 }'; }
a=$(ir 0); b=$(ir "$count")
echo "$name: $(( (b - a) / count )) instructions per call"
rm -rf "$out"
