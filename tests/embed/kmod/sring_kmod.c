// SPDX-License-Identifier: MIT
/*
 * sring in a Linux kernel module: the kernel's own barriers replace sring's
 * default __atomic builtins (all five hooks, as sring/atomic.h requires),
 * and at load time the module runs the whole-API front/back exchange of
 * tests/compile/api_use.c on a freshly allocated page.
 *
 * virt_mb() rather than smp_mb(): the peer of a real ring may be another
 * virtual machine, and a UP guest kernel still needs the fence then (the
 * choice Linux's Xen and virtio drivers make).
 *
 * Building it warning-free (W=1, C=1) is the proof tests/stages/50-embed.sh
 * asks for; loading needs a kernel matching the headers, which CI lacks.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <asm/barrier.h>

#define SRING_LOAD_RELAXED(p)     READ_ONCE(*(p))
#define SRING_STORE_RELAXED(p, v) WRITE_ONCE(*(p), (v))
#define SRING_LOAD_ACQUIRE(p)     smp_load_acquire(p)
#define SRING_STORE_RELEASE(p, v) smp_store_release((p), (v))
#define SRING_MB()                virt_mb()

#include <sring/sring.h>

#if !defined(SRING_ATOMIC_IMPL)
#error "sring/atomic.h did not record which hooks it uses"
#endif

#include "api_use.c"

static int __init sring_kmod_init(void)
{
	unsigned long page = __get_free_page(GFP_KERNEL);
	int rc;

	if (!page)
		return -ENOMEM;
	rc = sring_api_use((void *)page, PAGE_SIZE);
	free_page(page);
	if (rc) {
		pr_err("sring: exchange failed at step %d\n", rc);
		return -EIO;
	}
	pr_info("sring: front/back exchange ok (hooks: %s)\n",
		SRING_ATOMIC_IMPL);
	return 0;
}

static void __exit sring_kmod_exit(void)
{
}

module_init(sring_kmod_init);
module_exit(sring_kmod_exit);
MODULE_DESCRIPTION("sring embedding test: ring exchange at load time");
MODULE_LICENSE("Dual MIT/GPL");
