// SPDX-License-Identifier: MIT
// api_use.c compiled as C++: the SRING_DEFINE_RING_TYPES expansion and
// every inline function must be valid C++11/17/20, not only the includes.
// The exchange is exported under a second name so one program can run
// both the C and the C++ builds.
#define sring_api_use sring_api_use_cxx
#include "api_use.c"
