# SPDX-License-Identifier: MIT
# The block protocol, proto/blkif.h (issue: block protocol).
sring_add_cmocka_test(test_blkif SOURCES test_blkif.c)

# Layouts against Xen's io/blkif.h (libxen-dev) on both x86 ABIs, and live
# exchanges with peers written with Xen's macros: tests/abi/run_abi.cmake
# compiles tests/abi/blkif_abi.c per ABI and runs it. The i386 builds need
# libc6-dev-i386 + lib32gcc-12-dev (gcc -m32; never gcc-multilib) and
# gcc-i686-linux-gnu, all in scripts/deps.txt; i386 binaries run natively,
# or under qemu-i386 where the kernel refuses them (run_abi.cmake).
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$" AND
   NOT CMAKE_CROSSCOMPILING)
	set(abi_src ${CMAKE_CURRENT_SOURCE_DIR}/abi/blkif_abi.c)
	set(abi_run ${CMAKE_CURRENT_SOURCE_DIR}/abi/run_abi.cmake)
	set(abi_inc ${PROJECT_SOURCE_DIR}/include)
	set(abi_dir ${CMAKE_CURRENT_BINARY_DIR}/abi)
	file(MAKE_DIRECTORY ${abi_dir})
	# Not found is not skipped: the test then fails naming the compiler.
	find_program(SRING_I686_CC i686-linux-gnu-gcc)
	if(NOT SRING_I686_CC)
		set(SRING_I686_CC i686-linux-gnu-gcc)
	endif()
	add_test(NAME blkif_abi_x86_64 COMMAND ${CMAKE_COMMAND}
		-DCC=${CMAKE_C_COMPILER} -DFLAGS=-m64 -DSRC=${abi_src}
		-DINC=${abi_inc} -DOUT=${abi_dir}/blkif_abi_64 -P ${abi_run})
	add_test(NAME blkif_abi_m32 COMMAND ${CMAKE_COMMAND}
		-DCC=${CMAKE_C_COMPILER} -DFLAGS=-m32 -DSRC=${abi_src}
		-DINC=${abi_inc} -DOUT=${abi_dir}/blkif_abi_m32 -P ${abi_run})
	add_test(NAME blkif_abi_i686 COMMAND ${CMAKE_COMMAND}
		-DCC=${SRING_I686_CC} -DSRC=${abi_src}
		-DINC=${abi_inc} -DOUT=${abi_dir}/blkif_abi_i686 -P ${abi_run})
	add_test(NAME blkif_abi_serve32 COMMAND ${CMAKE_COMMAND}
		-DCC=${CMAKE_C_COMPILER} -DFLAGS=-m64 -DSRC=${abi_src}
		-DINC=${abi_inc} -DOUT=${abi_dir}/blkif_abi_serve
		-DSERVE32_CC=${CMAKE_C_COMPILER} -DSERVE32_FLAGS=-m32
		-P ${abi_run})
	set_tests_properties(blkif_abi_x86_64 blkif_abi_m32 blkif_abi_i686
		blkif_abi_serve32 PROPERTIES LABELS "xen;xen-abi;host-only" TIMEOUT 300)
endif()
