#!/usr/bin/env bash
# Runs before `npm test`: the playground's end-to-end test drives Debian's Chromium, which a
# fresh machine does not have. Install it when we can (root with apt-get); otherwise say how,
# and let the browser test fail loudly rather than skip.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "dualtape: installing Debian's chromium for the browser test (once per machine)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "dualtape: /usr/bin/chromium is missing; install it (apt-get install chromium) or the browser test will fail" >&2
fi
