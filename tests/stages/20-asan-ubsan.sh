# SPDX-License-Identifier: MIT
# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer,
# less the tests that only drive host compilers and CMake (they build
# nothing with the sanitizers; 10-dev runs them).
set -eu
cmake --preset asan-ubsan >/dev/null
cmake --build --preset asan-ubsan
ctest --preset asan-ubsan -E '^(compile_headers|compile_api_use|cmake_consumer)'
