# SPDX-License-Identifier: MIT
# Byte-stream rings (flex.h) and the console protocol (proto/console.h).
sring_add_cmocka_test(test_flex SOURCES test_flex.c)
sring_add_cmocka_test(test_console SOURCES test_console.c)
sring_add_cmocka_test(test_flex_threads SOURCES test_flex_threads.c
	LABELS threads TIMEOUT 900)

# Against Xen's own io/ring.h flex helpers and io/console.h (libxen-dev).
# Only the xen/ directory is exposed (a symlink in the build tree), so a
# cross build sees no host header but Xen's arch-independent ones.
find_path(SRING_XEN_INCLUDE_DIR xen/io/ring.h PATHS /usr/include
	NO_CMAKE_FIND_ROOT_PATH)
if(NOT SRING_XEN_INCLUDE_DIR)
	message(FATAL_ERROR "Xen's public headers not found: apt-get install libxen-dev (scripts/deps.txt)")
endif()
set(sring_flex_xen_dir ${CMAKE_CURRENT_BINARY_DIR}/flex-xen)
file(MAKE_DIRECTORY ${sring_flex_xen_dir})
file(CREATE_LINK ${SRING_XEN_INCLUDE_DIR}/xen ${sring_flex_xen_dir}/xen
	SYMBOLIC)
sring_add_cmocka_test(test_flex_xen SOURCES test_flex_xen.c LABELS xen)
target_include_directories(test_flex_xen PRIVATE ${sring_flex_xen_dir})
