# SPDX-License-Identifier: MIT
# The hostile-peer toolkit users fuzz their drivers with (examples/fuzzkit).
sring_add_cmocka_test(test_fuzzkit SOURCES test_fuzzkit.c)
target_include_directories(test_fuzzkit PRIVATE
	${PROJECT_SOURCE_DIR}/examples/fuzzkit)
