/* SPDX-License-Identifier: MIT */
/*
 * ring.pml - sring's notification protocol, for spin.
 *
 * One front end and one back end on one ring, both honest, running
 * forever. Every access to a shared index word is one Promela step, in the
 * order include/sring/ring.h makes it:
 *
 *   sring_front_push_requests   R1 store req_prod, F1, load req_event,
 *                               notify iff req_event in (old, new]
 *   sring_back_final_check      load req_prod (enough? stop), store
 *                               req_event = req_cons + k, F2, load req_prod
 *   sring_back_push_responses   R2 store rsp_prod, F3, load rsp_event
 *   sring_front_final_check     k = min(moderation, in flight) (1 if none),
 *                               load rsp_prod, store rsp_event =
 *                               rsp_cons + k, F4, load rsp_prod
 *
 * Shared words are interleaved sequentially consistently (spin's model),
 * which is what a full fence buys at F1..F4. Defining NO_F1 (.. NO_F4)
 * removes that fence: the store before it may then be reordered after the
 * load that follows it (either order is explored), which is exactly what a
 * store buffer does without a full fence. Acquire/release (R1/A2, R2/A1)
 * order slot contents, which this model does not carry.
 *
 * Indices are free-running modulo M (the library's 2^32), so every run
 * wraps many times; N is the ring size. Event channels are latched pending
 * bits, as Xen's are: a notification sent before the peer sleeps is not lost.
 *
 * Parameters (spin -D...):
 *   N            ring slots (default 2)
 *   M            index modulus (default 8; the library's is 2^32, and
 *                M = 2N models its largest ring, N = 2^31)
 *   FMOD         front moderation (sring_front_set_moderation), default 1
 *   BMOD         back moderation (sring_back_set_moderation), default 1
 *   BACK_TIMEOUT the back's sleep may also end by a timer that fires when
 *                nothing else can move (what ring.h tells a back end with
 *                moderation > 1 to use)
 *   NO_F1..NO_F4 drop one full fence
 *   NO_FRONT_CAP the front's threshold is its moderation, not capped by
 *                the requests in flight (a deliberately broken variant)
 *   NOTIFY_ALWAYS producers notify on every push, ignoring the event
 *                index (a deliberately broken variant)
 *   PUBLISH_POLICY sring_*_set_publish(): a producer may also push in the
 *                middle of a batch (the same R, F, event check); a
 *                "notify" it finds is kept and delivered by the push that
 *                ends the batch, which always comes before the producer
 *                waits
 *   POLICY_DROP  with PUBLISH_POLICY, the kept "notify" is dropped (a
 *                deliberately broken variant)
 *
 * Properties:
 *   - no lost wake-up (assertions): a side is never asleep, with no
 *     notification pending and its peer outside push, while at least its
 *     threshold of items is published for it. Checked at the only two
 *     transitions that can make it true: entering the sleep, and the
 *     peer's push returning.
 *   - no deadlock: spin's invalid end states (both sides blocked).
 *   - bounded notifications (assertions): after a consumer arms its event,
 *     the producer decides to notify at most once; a further notification
 *     without a new arm needs a full lap of the index space (more than M
 *     items published since the push that notified before; 2^32 in the
 *     library, i.e. one spurious wake-up per 2^32 items at worst).
 */

#ifndef N
#define N 2
#endif
#ifndef M
#define M 8
#endif
#ifndef FMOD
#define FMOD 1
#endif
#ifndef BMOD
#define BMOD 1
#endif

#define ADD(a, b) (((a) + (b)) % M)
#define SUB(a, b) (((a) + M - (b)) % M)
/* sring_need_event(): (new - event) < (new - old), modulo M. */
#define NEED_EVENT(ev, nw, old) (SUB(nw, ev) < SUB(nw, old))
#ifdef NOTIFY_ALWAYS
#define NOTIFY_RULE(ev, nw, old) 1
#else
#define NOTIFY_RULE(ev, nw, old) NEED_EVENT(ev, nw, old)
#endif

/* The shared page's four words; initial events are idx + 1. */
byte req_prod = 0;
byte req_event = 1;
byte rsp_prod = 0;
byte rsp_event = 1;

/* Event channels: latched pending bits. */
bit back_evt = 0;
bit front_evt = 0;
/* Decided by a policy push, not yet sent (PUBLISH_POLICY). */
bit pend_b = 0, pend_f = 0;

/* Private state, global only so the assertions can read it. */
byte req_prod_pvt = 0, req_pub = 0, rsp_cons = 0; /* front */
byte req_cons = 0, rsp_prod_pvt = 0, rsp_pub = 0; /* back */

/* Observation only. */
bit front_pushing = 0, back_pushing = 0;
bit front_asleep = 0, back_asleep = 0;
byte front_k = 0;             /* threshold the front sleeps with */
bit fresh_b = 1, fresh_f = 1; /* no notify decided since the peer armed */
byte adv_b = 0, adv_f = 0;    /* items published since the last notifying
                                 push began (capped at M) */

#define BACK_LOST \
	(back_asleep && !back_evt && !pend_b && !front_pushing && \
	 SUB(req_prod, req_cons) >= BMOD)
#define FRONT_LOST \
	(front_asleep && !front_evt && !pend_f && !back_pushing && \
	 SUB(rsp_prod, rsp_cons) >= front_k)
#ifdef POLICY_DROP
#define KEEP(p) skip
#else
#define KEEP(p) p = 1
#endif

/*
 * Modelling discipline: every step below makes at most one access to a
 * shared word (or event channel); private computation and observation
 * variables ride along in the same atomic step, which changes no interleaving
 * of shared accesses. Locals are zeroed once dead, to keep the state
 * space small.
 *
 * The producer's load of the consumer's event word also does the
 * bookkeeping of the bounded-notification property. Counting at the load,
 * not at the send, matters: a decision taken on the previous arm may be
 * delivered after the consumer re-armed.
 */
#define LOAD_EVENT(evw, pvt, fresh, adv) \
	atomic { \
		nb = NOTIFY_RULE(evw, pvt, old); \
		adv = (adv + SUB(pvt, old) > M -> M : adv + SUB(pvt, old)); \
		if \
		:: nb -> \
			assert(fresh || adv >= M); \
			fresh = 0; \
			adv = SUB(pvt, old) \
		:: else \
		fi \
	}

active proctype Front()
{
	byte old, n, k;
	bit nb;

idle:
	do
	:: SUB(req_prod_pvt, rsp_cons) < N ->
		/* get_request/put_request: queue one */
		req_prod_pvt = ADD(req_prod_pvt, 1)
#ifdef PUBLISH_POLICY
	:: req_prod_pvt != req_pub ->
		/* a policy push inside get_request(): R1, F1, check, keep */
		atomic { front_pushing = 1; old = req_pub };
		req_prod = req_prod_pvt;
		LOAD_EVENT(req_event, req_prod_pvt, fresh_b, adv_b);
		atomic {
			req_pub = req_prod_pvt;
			if
			:: nb -> KEEP(pend_b)
			:: else
			fi;
			front_pushing = 0;
			old = 0;
			nb = 0
		}
#endif
	:: req_prod_pvt != req_pub || pend_b -> break
	:: req_prod_pvt == req_pub && !pend_b && req_pub != rsp_cons ->
		goto reap
	od;

	/* sring_front_push_requests() */
	atomic { front_pushing = 1; old = req_pub };
#ifdef NO_F1
	if
	:: req_prod = req_prod_pvt;
	   LOAD_EVENT(req_event, req_prod_pvt, fresh_b, adv_b)
	:: LOAD_EVENT(req_event, req_prod_pvt, fresh_b, adv_b);
	   req_prod = req_prod_pvt
	fi;
#else
	req_prod = req_prod_pvt; /* R1 */
	/* F1: full fence */
	LOAD_EVENT(req_event, req_prod_pvt, fresh_b, adv_b);
#endif
	atomic {
		req_pub = req_prod_pvt;
		if
		:: nb || pend_b -> back_evt = 1; pend_b = 0 /* the caller's notify */
		:: else
		fi;
		front_pushing = 0;
		assert(!BACK_LOST);
		old = 0;
		nb = 0
	};
	goto idle;

reap:	/* copy_response() until SRING_EMPTY: one load per snapshot */
	do
	:: atomic { n = (rsp_prod != rsp_cons); rsp_cons = rsp_prod }; /* A1 */
	   if
	   :: n -> n = 0
	   :: else -> break
	   fi
	od;
	if
	:: goto idle
	:: req_prod_pvt == req_pub && !pend_b && req_pub != rsp_cons -> skip
	fi;

	/* sring_front_final_check(): k = min(moderation, in flight) */
	atomic {
		k = SUB(req_pub, rsp_cons);
#ifdef NO_FRONT_CAP
		k = FMOD;
#else
		k = (FMOD > k -> (k > 0 -> k : 1) : FMOD);
#endif
		n = SUB(rsp_prod, rsp_cons)
	};
	if
	:: n >= k -> atomic { n = 0; k = 0 }; goto reap
	:: else
	fi;
#ifdef NO_F4
	if
	:: atomic { rsp_event = ADD(rsp_cons, k); fresh_f = 1; adv_f = 0 };
	   n = SUB(rsp_prod, rsp_cons)
	:: n = SUB(rsp_prod, rsp_cons);
	   atomic { rsp_event = ADD(rsp_cons, k); fresh_f = 1; adv_f = 0 }
	fi;
#else
	atomic { rsp_event = ADD(rsp_cons, k); fresh_f = 1; adv_f = 0 };
	/* F4: full fence */
	n = SUB(rsp_prod, rsp_cons);
#endif
	if
	:: n >= k -> atomic { n = 0; k = 0 }; goto reap
	:: else
	fi;
	/* final_check returned 0: sleep until notified */
	atomic {
		front_asleep = 1;
		front_k = k;
		assert(!FRONT_LOST);
		n = 0;
		k = 0
	};
	atomic { front_evt -> front_evt = 0; front_asleep = 0; front_k = 0 };
	goto reap
}

active proctype Back()
{
	byte old, n;
	bit nb;

drain:	/* copy_request() until SRING_EMPTY, answering each at once */
	do
	:: atomic {
		n = SUB(req_prod, req_cons);                /* A2 */
		req_cons = ADD(req_cons, n);
		rsp_prod_pvt = ADD(rsp_prod_pvt, n)
	   };
	   if
	   :: n > 0 -> n = 0           /* look again */
	   :: n > 0 -> n = 0; break    /* or push first */
	   :: else -> break
	   fi
#ifdef PUBLISH_POLICY
	:: rsp_prod_pvt != rsp_pub ->
		/* a policy push inside get_response(): R2, F3, check, keep */
		atomic { back_pushing = 1; old = rsp_pub };
		rsp_prod = rsp_prod_pvt;
		LOAD_EVENT(rsp_event, rsp_prod_pvt, fresh_f, adv_f);
		atomic {
			rsp_pub = rsp_prod_pvt;
			if
			:: nb -> KEEP(pend_f)
			:: else
			fi;
			back_pushing = 0;
			old = 0;
			nb = 0
		}
#endif
	od;

	/* sring_back_push_responses() */
	if
	:: rsp_prod_pvt != rsp_pub || pend_f ->
		atomic { back_pushing = 1; old = rsp_pub };
#ifdef NO_F3
		if
		:: rsp_prod = rsp_prod_pvt;
		   LOAD_EVENT(rsp_event, rsp_prod_pvt, fresh_f, adv_f)
		:: LOAD_EVENT(rsp_event, rsp_prod_pvt, fresh_f, adv_f);
		   rsp_prod = rsp_prod_pvt
		fi;
#else
		rsp_prod = rsp_prod_pvt; /* R2 */
		/* F3: full fence */
		LOAD_EVENT(rsp_event, rsp_prod_pvt, fresh_f, adv_f);
#endif
		atomic {
			rsp_pub = rsp_prod_pvt;
			if
			:: nb || pend_f -> front_evt = 1; pend_f = 0
			:: else
			fi;
			back_pushing = 0;
			assert(!FRONT_LOST);
			old = 0;
			nb = 0
		}
	:: else
	fi;

	/* sring_back_final_check() */
	n = SUB(req_prod, req_cons);
	if
	:: n >= BMOD -> goto drain
	:: else
	fi;
#ifdef NO_F2
	if
	:: atomic { req_event = ADD(req_cons, BMOD); fresh_b = 1; adv_b = 0 };
	   n = SUB(req_prod, req_cons)
	:: n = SUB(req_prod, req_cons);
	   atomic { req_event = ADD(req_cons, BMOD); fresh_b = 1; adv_b = 0 }
	fi;
#else
	atomic { req_event = ADD(req_cons, BMOD); fresh_b = 1; adv_b = 0 };
	/* F2: full fence */
	n = SUB(req_prod, req_cons);
#endif
	if
	:: n >= BMOD -> goto drain
	:: else
	fi;
	/* final_check returned 0: sleep until notified (or the timer) */
	atomic { back_asleep = 1; assert(!BACK_LOST); n = 0 };
	if
	:: atomic { back_evt -> back_evt = 0; back_asleep = 0 }
#ifdef BACK_TIMEOUT
	:: atomic { timeout -> back_asleep = 0 }
#endif
	fi;
	goto drain
}
