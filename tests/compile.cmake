# SPDX-License-Identifier: MIT
#
# Compile tests (tests/compile/) and the consumer-project test (tests/cmake/).
#
#  compile_headers_{gcc,clang}  every header under include/sring (found when
#      the test runs, so new headers are covered) and sring_single.h, alone,
#      as C99/C11/C++11/17/20, -ffreestanding, strict warnings as errors;
#      every function emitted and `nm -u` empty (headers.sh)
#  compile_api_use_{gcc,clang}  api_use.c/.cc, the whole ring.h API through
#      SRING_DEFINE_RING_TYPES, at -O0/-O2: `nm -u` empty (api_use.sh)
#  compile_*_target  the same with this build's own (cross) compiler
#  compile_api_run  runs that exchange (C and C++ builds) on the target
#  cmake_consumer  find_package + add_subdirectory + relocated pkg-config
#
# The host-compiler tests carry label "host-only": they spawn host tools,
# so a cross build (tests/stages/40-cross.sh) leaves them to the native one.
find_program(SRING_BASH bash REQUIRED)

foreach(pair "gcc;g++" "clang;clang++")
	list(GET pair 0 cc)
	list(GET pair 1 cxx)
	find_program(SRING_HOST_${cc} ${cc})
	find_program(SRING_HOST_${cxx} ${cxx})
	if(NOT SRING_HOST_${cc} OR NOT SRING_HOST_${cxx})
		message(FATAL_ERROR "${cc}/${cxx} not found: see scripts/deps.txt")
	endif()
	add_test(NAME compile_headers_${cc}
		COMMAND ${SRING_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/compile/headers.sh
			${PROJECT_SOURCE_DIR}
			${CMAKE_CURRENT_BINARY_DIR}/compile-headers-${cc}
			${cc} ${cxx} nm)
	add_test(NAME compile_api_use_${cc}
		COMMAND ${SRING_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/compile/api_use.sh
			${PROJECT_SOURCE_DIR}
			${CMAKE_CURRENT_BINARY_DIR}/compile-api-use-${cc}
			${cc} ${cxx} nm)
	set_tests_properties(compile_headers_${cc} compile_api_use_${cc}
		PROPERTIES LABELS "compile;host-only" TIMEOUT 300)
endforeach()

if(CMAKE_CROSSCOMPILING)
	add_test(NAME compile_headers_target
		COMMAND ${SRING_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/compile/headers.sh
			${PROJECT_SOURCE_DIR}
			${CMAKE_CURRENT_BINARY_DIR}/compile-headers-target
			${CMAKE_C_COMPILER} ${CMAKE_CXX_COMPILER} ${CMAKE_NM} quick)
	add_test(NAME compile_api_use_target
		COMMAND ${SRING_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/compile/api_use.sh
			${PROJECT_SOURCE_DIR}
			${CMAKE_CURRENT_BINARY_DIR}/compile-api-use-target
			${CMAKE_C_COMPILER} ${CMAKE_CXX_COMPILER} ${CMAKE_NM} quick)
	set_tests_properties(compile_headers_target compile_api_use_target
		PROPERTIES LABELS "compile" TIMEOUT 300)
endif()

# The exchange itself, built by this tree's compilers with the strict set.
add_executable(compile_api_run compile/api_run.c compile/api_use.c
	compile/api_use.cc)
target_link_libraries(compile_api_run PRIVATE sring::sring)
set_source_files_properties(compile/api_use.c compile/api_use.cc
	PROPERTIES COMPILE_OPTIONS
	"-pedantic;-Wall;-Wextra;-Wconversion;-Wsign-conversion;-Wcast-qual;-Wshadow;-Werror")
set_target_properties(compile_api_run PROPERTIES C_STANDARD 99
	C_STANDARD_REQUIRED ON C_EXTENSIONS OFF CXX_STANDARD 11
	CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF)
add_test(NAME compile_api_run COMMAND compile_api_run)
set_tests_properties(compile_api_run PROPERTIES LABELS "compile" TIMEOUT 60)

if(NOT CMAKE_CROSSCOMPILING)
	add_test(NAME cmake_consumer
		COMMAND ${SRING_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/cmake/consumer.sh
			${PROJECT_SOURCE_DIR}
			${CMAKE_CURRENT_BINARY_DIR}/cmake-consumer
			${CMAKE_COMMAND} ${CMAKE_C_COMPILER})
	set_tests_properties(cmake_consumer PROPERTIES
		LABELS "compile;host-only" TIMEOUT 300)
endif()
