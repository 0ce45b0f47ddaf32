# SPDX-License-Identifier: MIT
# Build everything with gcc (warnings are errors) and run every test.
set -eu
cmake --preset dev >/dev/null
cmake --build --preset dev
ctest --preset dev
