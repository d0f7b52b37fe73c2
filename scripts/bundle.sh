# Sourced by scripts/run-cli and scripts/start (after setting $root): keeps a bundle of
# scripts/build-bundle.mjs fresh.
#
#   bundle_ready NAME SOURCE...   builds .build/NAME.mjs when it or its map is missing, or when any
#                                 SOURCE (file or directory, relative to $root), the lock file,
#                                 tsconfig.json or the build script itself is newer; returns
#                                 non-zero if it cannot be built (the caller falls back to tsx).
bundle_ready() {
  bundle_name=$1
  shift
  bundle_file="$root/.build/$bundle_name.mjs"
  if [ -f "$bundle_file" ] && [ -f "$bundle_file.map" ] && [ -z "$(cd "$root" && find "$@" package-lock.json tsconfig.json scripts/build-bundle.mjs scripts/bundle.sh -newer "$bundle_file" -print 2>/dev/null | head -n 1)" ]; then
    return 0
  fi
  node "$root/scripts/build-bundle.mjs" "$bundle_name"
}
