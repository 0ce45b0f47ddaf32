// SPDX-License-Identifier: MIT
// protocols.c as C++, against sring/xen.h (ring[] is an accessor member).
#include "protocols.c"
