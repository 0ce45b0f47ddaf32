/* SPDX-License-Identifier: MIT */
/*
 * sring in a freestanding x86_64 program: no C library, no start files
 * (-ffreestanding -nostdlib -static), our own _start. It runs the
 * whole-API front/back exchange of tests/compile/api_use.c and exits with
 * its result through the raw exit system call, the one thing it borrows
 * from the machine it runs on (a unikernel or boot loader would report
 * the result its own way).
 */
#include <stddef.h>
#include <stdint.h>

int sring_api_use(void *page, size_t bytes);
int sring_embed_main(void);

/* The kernel enters with the stack 16-byte aligned; calls expect rsp+8. */
__asm__(".text\n"
	".globl _start\n"
	".type _start, @function\n"
	"_start:\n"
	"	xorl %ebp, %ebp\n"
	"	andq $-16, %rsp\n"
	"	call sring_embed_main\n"
	"	movl %eax, %edi\n"
	"	movl $60, %eax\n" /* exit */
	"	syscall\n"
	"	hlt\n");

static union {
	uint64_t align;
	unsigned char b[4096];
} page;

int sring_embed_main(void)
{
	return sring_api_use(page.b, sizeof(page.b));
}
