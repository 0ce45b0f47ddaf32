# SPDX-License-Identifier: MIT
# The multi-threaded tests (label "threads") under ThreadSanitizer, with
# iteration counts reduced (TSan runs them 5-15x slower).
set -eu
export SRING_TEST_QUICK=1
cmake --preset tsan >/dev/null
cmake --build --preset tsan
ctest --preset tsan
