# SPDX-License-Identifier: MIT
# Builds tests/abi/blkif_abi.c with a given compiler and flags and runs it
# (ctest runs this script with cmake -P; no cmocka: none exists for i386).
#
#   -DCC=<compiler> -DFLAGS=<flags;...> -DSRC=<blkif_abi.c> -DINC=<include>
#   -DOUT=<binary> [-DSERVE32_CC=<i386 compiler> -DSERVE32_FLAGS=<...>]
#
# With SERVE32_CC, also builds an i386 binary and checks a 64-bit sring
# back end serving the ring of a 32-bit front written with Xen's macros:
# i386 "front FILE", then native "back32 FILE", then i386 "check FILE";
# and the other way round: native "front32 FILE BIN" writes an x86_32 ring
# with sring's front end, which the i386 build answers with Xen's macros.
foreach(v CC SRC INC OUT)
	if(NOT DEFINED ${v})
		message(FATAL_ERROR "run_abi.cmake: -D${v}= is required")
	endif()
endforeach()
set(common -std=gnu11 -O2 -Wall -Wextra -Werror -I${INC} ${SRC})

function(build cc flags out)
	execute_process(COMMAND ${cc} ${flags} ${common} -o ${out}
		RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e)
	if(NOT rc EQUAL 0)
		message(FATAL_ERROR "compiling with ${cc} ${flags} failed (${rc}):\n${o}${e}")
	endif()
endfunction()

function(run)
	execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
	if(NOT rc EQUAL 0)
		message(FATAL_ERROR "${ARGN} failed (${rc})")
	endif()
endfunction()

# launcher(cc flags var): how to run what cc builds with flags. Natively
# where the kernel runs it; else (an i386 binary on a kernel that refuses
# 32-bit executables: execve gives ENOEXEC, seen on some CI machines)
# under qemu-i386, from qemu-user in scripts/deps.txt. A probe that runs
# neither way is an error, not a skipped test.
function(launcher cc flags var)
	set(probe ${OUT}.probe)
	file(WRITE ${probe}.c "int main(void) { return 42; }\n")
	execute_process(COMMAND ${cc} ${flags} -o ${probe} ${probe}.c
		RESULT_VARIABLE rc ERROR_VARIABLE e)
	if(NOT rc EQUAL 0)
		message(FATAL_ERROR "probe with ${cc} ${flags} failed:\n${e}")
	endif()
	# The first way that runs the probe: no launcher, then qemu-i386.
	find_program(QEMU_I386 qemu-i386)
	foreach(way "" ${QEMU_I386})
		execute_process(COMMAND ${way} ${probe} RESULT_VARIABLE rc
			TIMEOUT 60 OUTPUT_QUIET ERROR_QUIET)
		if(rc EQUAL 42)
			if(way)
				message(STATUS "${cc} ${flags}: binaries run under ${way}")
			endif()
			set(${var} "${way}" PARENT_SCOPE)
			return()
		endif()
	endforeach()
	message(FATAL_ERROR "${cc} ${flags}: the kernel does not run its "
		"binaries and qemu-i386 does not either (apt-get install qemu-user)")
endfunction()

build("${CC}" "${FLAGS}" ${OUT})
launcher("${CC}" "${FLAGS}" run_out)
if(NOT DEFINED SERVE32_CC)
	run(${run_out} ${OUT})
	return()
endif()
build("${SERVE32_CC}" "${SERVE32_FLAGS}" ${OUT}32)
launcher("${SERVE32_CC}" "${SERVE32_FLAGS}" run32)
set(file ${OUT}.ring)
file(REMOVE ${file})
run(${run32} ${OUT}32 front ${file})
run(${run_out} ${OUT} back32 ${file})
run(${run32} ${OUT}32 check ${file})
file(REMOVE ${file})
# front32 starts the i386 back end itself (fork, execl): through a
# script that calls the launcher when there is one.
set(bin32 ${OUT}32)
if(run32)
	set(bin32 ${OUT}32.sh)
	file(WRITE ${bin32} "#!/bin/sh\nexec '${run32}' '${OUT}32' \"$@\"\n")
	file(CHMOD ${bin32} PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
endif()
run(${run_out} ${OUT} front32 ${file} ${bin32})
