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

build("${CC}" "${FLAGS}" ${OUT})
if(NOT DEFINED SERVE32_CC)
	run(${OUT})
	return()
endif()
build("${SERVE32_CC}" "${SERVE32_FLAGS}" ${OUT}32)
set(file ${OUT}.ring)
file(REMOVE ${file})
run(${OUT}32 front ${file})
run(${OUT} back32 ${file})
run(${OUT}32 check ${file})
file(REMOVE ${file})
run(${OUT} front32 ${file} ${OUT}32)
