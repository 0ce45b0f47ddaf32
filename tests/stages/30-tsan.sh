# SPDX-License-Identifier: MIT
# The multi-threaded tests (label "threads") under ThreadSanitizer.
set -eu
cmake --preset tsan >/dev/null
cmake --build --preset tsan
ctest --preset tsan
