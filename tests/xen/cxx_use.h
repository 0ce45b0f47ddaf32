/* SPDX-License-Identifier: MIT */
/* The C++ user of sring/xen.h (cxx_use.cc), called from test_xen_unit.c. */
#ifndef XEN_CXX_USE_H
#define XEN_CXX_USE_H

#ifdef __cplusplus
extern "C" {
#endif

/* 0 on success, else the line of the first failed check. */
int xen_cxx_exchange(void);

#ifdef __cplusplus
}
#endif

#endif
