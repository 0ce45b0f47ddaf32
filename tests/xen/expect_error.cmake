# SPDX-License-Identifier: MIT
# cmake -DCC=... -DSRC=... -DINC=... -DXEN=... -P expect_error.cmake
# Passes only if SRC fails to compile with sring/xen.h's own #error (any
# other failure, or success, fails the test).
execute_process(COMMAND ${CC} -std=c99 -I${INC} -I${XEN} -fsyntax-only ${SRC}
	RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
if(rc EQUAL 0)
	message(FATAL_ERROR "${SRC} compiled, but sring/xen.h after Xen's ring.h must be an error")
endif()
string(FIND "${err}" "sring/xen.h replaces Xen's io/ring.h" at)
if(at EQUAL -1)
	message(FATAL_ERROR "${SRC} failed for another reason:\n${err}")
endif()
message(STATUS "rejected as expected")
