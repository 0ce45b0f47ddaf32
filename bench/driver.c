/* SPDX-License-Identifier: MIT */
/*
 * bench/driver.c - the one benchmark driver; included at the end of each
 * ring_<name>.c (see bench.h for the operations a ring provides).
 *
 *   bench-<ring> w1 [-s slots] [-p k] [-n requests]
 *       stream: the front keeps the ring full, both sides busy-poll.
 *       -p 0 publishes when a batch ends (the ring is full, or the back
 *       found no more requests), -p k also every k items (1 = every one).
 *   bench-<ring> w2 [-s slots] [-n round trips]
 *       ping-pong: one request in flight; median and p99 round trip.
 *   bench-<ring> w3 [-s slots] [-p k] [-m moderation] [-S spins]
 *                   [-D us] [-n ...]
 *       both sides sleep on an eventfd when the ring says they may; -D
 *       makes the back a slow device: it busy-waits us microseconds on
 *       each request before answering it, so responses trickle in.
 *   bench-<ring> count [-s slots] [-p k] [-n requests]
 *       one thread, front and back in lockstep: for callgrind.
 *
 * Every line printed is CSV: ring,workload,slots,publish,variant,metric,value
 * Every request and response id is checked; a mismatch exits with 1.
 * Threads are pinned to CPUs 0 and 1 (BENCH_CPUS="a,b" to change).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include "../tests/support/evchn.h"

/* What fr_rsp/bk_req return when nothing is ready (see bench.h). */
#ifndef RING_EMPTY
#define RING_EMPTY 1
#endif

#ifdef BENCH_COUNT
#define MSG_FN static __attribute__((noinline, used))
#else
#define MSG_FN static inline __attribute__((always_inline))
#endif

/* Message fill and checks: the part of a request that is not the ring's. */
MSG_FN void msg_fill_req(struct bench_req *r, uint64_t id)
{
	unsigned int i;

	r->id = id;
	for (i = 0; i < 7; i++)
		r->payload[i] = id + i;
}

MSG_FN int msg_check_req(const struct bench_req *r, uint64_t id)
{
	return r->id == id && r->payload[0] == id && r->payload[6] == id + 6;
}

MSG_FN void msg_fill_rsp(struct bench_rsp *r, const struct bench_req *q)
{
	r->id = q->id;
	r->status = 0;
	r->check = (uint32_t)(q->payload[3] * 2654435761u);
}

MSG_FN int msg_check_rsp(const struct bench_rsp *r, uint64_t id)
{
	return r->id == id && r->status == 0 &&
	       r->check == (uint32_t)((id + 3) * 2654435761u);
}

static struct {
	const char *workload;
	unsigned slots;
	unsigned publish;     /* 0 = at batch end, k = also every k */
	unsigned moderation;  /* W3: front wakes after this many responses */
	unsigned spins;       /* W3: polls before sleeping */
	unsigned service_us;  /* W3: the back's time per request */
	uint64_t total;
	int lib_publish;      /* the ring itself publishes every k */
	int cpu[2];
} cfg = { "w1", 32, 0, 1, 0, 0, 0, 0, { 0, 1 } };

/* Written by one thread each (kicks by the notifier): kept apart. */
static struct {
	struct evchn to_back BENCH_PRIVATE; /* front writes */
	uint64_t front_wakeups;
	struct evchn to_front BENCH_PRIVATE; /* back writes */
	uint64_t back_wakeups;
} dpvt BENCH_PRIVATE;
#define to_back dpvt.to_back
#define to_front dpvt.to_front
#define front_wakeups dpvt.front_wakeups
#define back_wakeups dpvt.back_wakeups
static volatile int failed;

static void die(const char *what, uint64_t a, uint64_t b)
{
	fprintf(stderr, "bench %s: %s (%llu, %llu)\n", RING_NAME, what,
		(unsigned long long)a, (unsigned long long)b);
	exit(1);
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0)
		fprintf(stderr, "bench: cannot pin to CPU %d\n", cpu);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void out(const char *variant, const char *metric, double v)
{
	printf("%s,%s,%u,%u,%s,%s,%.6g\n", RING_NAME, cfg.workload,
	       cfg.slots, cfg.publish, variant, metric, v);
}

/* Drains every ready request and answers it; returns how many. */
static uint64_t back_drain(uint64_t *done, int events)
{
	struct bench_req q;
	uint64_t n = 0;
	unsigned since = 0;
	int rc;

	while ((rc = bk_req(&q)) == 0) {
		struct bench_rsp *r;

		if (!msg_check_req(&q, *done))
			die("request id", q.id, *done);
		if (cfg.service_us) {
			/* A device serving the request. */
			double until = now() + cfg.service_us * 1e-6;

			while (now() < until)
				bench_relax();
		}
		r = bk_slot();
		if (!r)
			die("no response slot", *done, 0);
		msg_fill_rsp(r, &q);
		bk_commit();
		(*done)++;
		n++;
		if (cfg.publish && !cfg.lib_publish &&
		    ++since == cfg.publish) {
			since = 0;
			if (bk_push() && events)
				evchn_notify(&to_front);
		}
	}
	if (rc != RING_EMPTY)
		die("back: peer error", *done, 0);
	if (n && bk_push() && events)
		evchn_notify(&to_front);
	return n;
}

static void *back_thread(void *arg)
{
	uint64_t done = 0;
	int events = arg != NULL;

	pin(cfg.cpu[1]);
	while (done < cfg.total && !failed) {
		unsigned s;

		if (back_drain(&done, events) || !events)
			continue;
		for (s = 0; s < cfg.spins && !bk_peek(); s++)
			bench_relax();
		if (bk_peek())
			continue;
		if (bk_final_check() == 0) {
			if (evchn_wait(&to_back, 5000) <= 0)
				die("back: lost wake-up", done, 0);
			back_wakeups++;
		}
	}
	return NULL;
}

/* Fills every free slot (up to the total); returns how many. */
static uint64_t front_fill(uint64_t *sent, uint64_t done, unsigned cap,
			   int events)
{
	uint64_t n = 0;
	unsigned since = 0;

	while (*sent < cfg.total && *sent - done < cap) {
		struct bench_req *r = fr_slot();

		if (!r)
			break;
		msg_fill_req(r, *sent);
		fr_commit();
		(*sent)++;
		n++;
		if (cfg.publish && !cfg.lib_publish &&
		    ++since == cfg.publish) {
			since = 0;
			if (fr_push() && events)
				evchn_notify(&to_back);
		}
	}
	if (n && fr_push() && events)
		evchn_notify(&to_back);
	return n;
}

static uint64_t front_drain(uint64_t *done)
{
	struct bench_rsp r;
	uint64_t n = 0;
	int rc;

	while ((rc = fr_rsp(&r)) == 0) {
		if (!msg_check_rsp(&r, *done))
			die("response id", r.id, *done);
		(*done)++;
		n++;
	}
	if (rc != RING_EMPTY)
		die("front: peer error", *done, 0);
	return n;
}

/*
 * W1 also times each chunk of CHUNK requests: on a shared machine a
 * polling thread that loses its CPU stalls the whole stream, and the
 * median chunk rate is the figure such stalls do not move.
 */
#define CHUNK 16384
static double *chunk_rate;
static size_t nchunks;

static void front_stream(int events)
{
	uint64_t sent = 0, done = 0, mark_done = 0;
	unsigned cap = ring_capacity();
	double mark_t = now();

	if (!events) {
		chunk_rate = (double *)calloc(cfg.total / CHUNK + 2,
					      sizeof(*chunk_rate));
		if (!chunk_rate)
			die("out of memory", 0, 0);
	}
	while (done < cfg.total) {
		unsigned s;
		uint64_t p = front_fill(&sent, done, cap, events);
		uint64_t got = front_drain(&done);

		if (!events && done - mark_done >= CHUNK) {
			double t = now();

			chunk_rate[nchunks++] = (double)(done - mark_done) /
						(t - mark_t) / 1e6;
			mark_done = done;
			mark_t = t;
		}
		if (got || p || !events)
			continue;
		for (s = 0; s < cfg.spins && !fr_peek(); s++)
			bench_relax();
		if (fr_peek())
			continue;
		if (fr_final_check() == 0) {
			if (evchn_wait(&to_front, 5000) <= 0)
				die("front: lost wake-up", done, sent);
			front_wakeups++;
		}
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void run_w2(void)
{
	uint64_t *lat = (uint64_t *)malloc(cfg.total * sizeof(*lat));
	uint64_t i, done = 0, t0, t1, c0;
	double w0, tsc_ns;
	struct bench_rsp r = { 0, 0, 0 };
	int rc;

	if (!lat)
		die("out of memory", 0, 0);
	c0 = __rdtsc();
	w0 = now();
	for (i = 0; i < cfg.total; i++) {
		struct bench_req *q;

		t0 = __rdtsc();
		q = fr_slot();
		if (!q)
			die("w2: ring full", i, 0);
		msg_fill_req(q, i);
		fr_commit();
		fr_push();
		while ((rc = fr_rsp(&r)) == RING_EMPTY)
			bench_relax();
		t1 = __rdtsc();
		if (rc != 0 || !msg_check_rsp(&r, i))
			die("w2: response", r.id, i);
		done++;
		lat[i] = t1 - t0;
	}
	tsc_ns = (now() - w0) * 1e9 / (double)(__rdtsc() - c0);
	qsort(lat, cfg.total, sizeof(*lat), cmp_u64);
	out("pingpong", "rtt_median_ns", (double)lat[cfg.total / 2] * tsc_ns);
	out("pingpong", "rtt_p99_ns",
	    (double)lat[cfg.total * 99 / 100] * tsc_ns);
	free(lat);
}

/* Front and back take turns in one thread: stable instruction counts. */
static void run_count(void)
{
	uint64_t sent = 0, done_b = 0, done_f = 0;
	unsigned cap = ring_capacity();

	while (done_f < cfg.total) {
		front_fill(&sent, done_f, cap, 0);
		back_drain(&done_b, 0);
		front_drain(&done_f);
	}
	out("lockstep", "requests", (double)done_f);
}

static void usage(void)
{
	fprintf(stderr, "usage: bench-%s w1|w2|w3|count [-s slots] [-p k] "
		"[-m moderation] [-S spins] [-D service-us] [-n count]\n",
		RING_NAME);
	exit(2);
}

int main(int argc, char **argv)
{
	pthread_t bt;
	const char *cpus = getenv("BENCH_CPUS");
	char variant[64];
	int opt, events;
	double t0, t;

	if (argc < 2)
		usage();
	cfg.workload = argv[1];
	optind = 2;
	while ((opt = getopt(argc, argv, "s:p:m:S:D:n:")) != -1) {
		switch (opt) {
		case 's': cfg.slots = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'p': cfg.publish = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'm': cfg.moderation = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'S': cfg.spins = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'D': cfg.service_us = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'n': cfg.total = strtoull(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (cpus && sscanf(cpus, "%d,%d", &cfg.cpu[0], &cfg.cpu[1]) != 2)
		usage();
	if (ring_setup(cfg.slots) != 0) {
		fprintf(stderr, "bench-%s: %u slots not supported\n",
			RING_NAME, cfg.slots);
		return 3;
	}
	if (cfg.publish > 1)
		cfg.lib_publish = ring_publish_every(cfg.publish);
	if (!strcmp(cfg.workload, "count")) {
		if (!cfg.total)
			cfg.total = 100000;
		run_count();
		ring_teardown();
		return 0;
	}
	events = !strcmp(cfg.workload, "w3");
	if (events && !RING_HAS_EVENTS) {
		fprintf(stderr, "bench-%s: no notification suppression\n",
			RING_NAME);
		return 3;
	}
	if (!cfg.total)
		cfg.total = !strcmp(cfg.workload, "w1") ? 5000000 :
			    !strcmp(cfg.workload, "w2") ? 200000 : 200000;
	if (events) {
		if (evchn_open(&to_back) || evchn_open(&to_front))
			die("eventfd", 0, 0);
		fr_moderate(cfg.moderation);
	}
	if (pthread_create(&bt, NULL, back_thread, events ? &bt : NULL))
		die("pthread_create", 0, 0);
	pin(cfg.cpu[0]);
	t0 = now();
	if (!strcmp(cfg.workload, "w2"))
		run_w2();
	else
		front_stream(events);
	t = now() - t0;
	pthread_join(bt, NULL);
	if (!strcmp(cfg.workload, "w1")) {
		out("stream", "mreq_per_s", (double)cfg.total / t / 1e6);
		if (nchunks) {
			qsort(chunk_rate, nchunks, sizeof(double), cmp_dbl);
			out("stream", "mreq_per_s_chunk_median",
			    chunk_rate[nchunks / 2]);
		}
		free(chunk_rate);
	} else if (events) {
		if (cfg.service_us)
			snprintf(variant, sizeof(variant), "mod%u_spin%u_svc%u",
				 cfg.moderation, cfg.spins, cfg.service_us);
		else
			snprintf(variant, sizeof(variant), "mod%u_spin%u",
				 cfg.moderation, cfg.spins);
		out(variant, "mreq_per_s", (double)cfg.total / t / 1e6);
		out(variant, "notify_per_req",
		    (double)(to_back.kicks + to_front.kicks) /
		    (double)cfg.total);
		out(variant, "wakeups_per_req",
		    (double)(back_wakeups + front_wakeups) /
		    (double)cfg.total);
		evchn_close(&to_back);
		evchn_close(&to_front);
	}
	ring_teardown();
	return 0;
}
