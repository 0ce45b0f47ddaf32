/* SPDX-License-Identifier: MIT */
/*
 * sring on a Cortex-M with no OS and no C library: a vector table, a reset
 * handler that sets up .data and .bss with plain loops, and the whole-API
 * front/back exchange of tests/compile/api_use.c on a page in RAM. Linked
 * with -nostdlib (not even libgcc): the link itself proves sring needs
 * nothing from the host but <stddef.h> and <stdint.h>.
 *
 * The result is left in sring_embed_result (0 = every step ok), for a
 * debugger. Built with -DSRING_EMBED_QEMU, the reset handler ends with a
 * Linux exit system call instead of sleeping, so that `qemu-arm -cpu
 * cortex-m4` (user mode) can run the very same code and report the result
 * as its exit status.
 */
#include <stdint.h>
#include <stddef.h>

int sring_api_use(void *page, size_t bytes);
void Reset_Handler(void);
void Default_Handler(void);

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];

/* Initial stack pointer, reset, NMI, HardFault: enough to boot. */
__attribute__((section(".isr_vector"), used))
const uintptr_t sring_embed_vectors[4] = {
	(uintptr_t)_estack,
	(uintptr_t)Reset_Handler,
	(uintptr_t)Default_Handler,
	(uintptr_t)Default_Handler,
};

volatile int sring_embed_result = -1;

/* 8-byte aligned, as sring asks; in .bss. */
static union {
	uint64_t align;
	unsigned char b[4096];
} page;

void Default_Handler(void)
{
	for (;;)
		;
}

static void embed_exit(int code)
{
#ifdef SRING_EMBED_QEMU
	register int r0 __asm__("r0") = code;
	register int r7 __asm__("r7") = 1; /* exit */

	__asm__ __volatile__("svc 0" : : "r"(r0), "r"(r7) : "memory");
#else
	(void)code;
#endif
	for (;;)
		__asm__ __volatile__("wfi");
}

void Reset_Handler(void)
{
	/* volatile: GCC must not turn these loops into memcpy/memset. */
	volatile uint32_t *d = _sdata;
	const volatile uint32_t *s = _sidata;

	while (d < _edata)
		*d++ = *s++;
	for (d = _sbss; d < _ebss; d++)
		*d = 0;
	sring_embed_result = sring_api_use(page.b, sizeof(page.b));
	embed_exit(sring_embed_result);
}
