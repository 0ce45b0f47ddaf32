# SPDX-License-Identifier: MIT
# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
set -eu
cmake --preset asan-ubsan >/dev/null
cmake --build --preset asan-ubsan
ctest --preset asan-ubsan
