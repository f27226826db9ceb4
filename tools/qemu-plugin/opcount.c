// SPDX-License-Identifier: GPL-2.0
/*
 * opcount: a QEMU TCG plugin that counts the maintenance operations an
 * emulated arm64 machine executes: TLBI by operation, DC and IC by
 * operation, DSB, DMB, ISB, HVC, SMC, ERET, executions of chosen addresses,
 * and all instructions.
 *
 * Counting windows: the guest executes "hint #0x7e" to open a window and
 * "hint #0x7f" to close it (both are NOPs on any CPU); each closed window is
 * written as "window N NAME COUNT" lines. The totals of the whole run follow
 * as "total NAME COUNT" when QEMU exits.
 *
 * Arguments: out=FILE (default: QEMU's log), sym=NAME@HEXADDR (repeatable):
 * count executions of the instruction at that virtual address as
 * "call:NAME".
 *
 * Counters are updated with atomic adds from execution callbacks, so they are
 * exact for what ran, with any number of vCPU threads. The plugin cannot see
 * the exception level, so an operation is attributed by kind, not by who
 * issued it (the EL2-only TLBIs, e.g. IPAS2E1IS, can only come from the L1
 * hypervisor).
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu-plugin-api.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MAX_COUNTERS	512
#define MAX_SYMS	32
#define MARK_START	0xd5032fdfu	/* hint #0x7e */
#define MARK_STOP	0xd5032fffu	/* hint #0x7f */

struct counter {
	char name[48];
	uint64_t count;
};

static struct counter counters[MAX_COUNTERS];
static uint64_t snapshot[MAX_COUNTERS];
static int ncounters;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *out;
static int window;
static int insns_idx;

static struct {
	char name[40];
	uint64_t addr;
	int idx;
} syms[MAX_SYMS];
static int nsyms;

/* Index of the counter called @name, created on first use. */
static int counter(const char *name)
{
	int i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < ncounters; i++)
		if (!strcmp(counters[i].name, name))
			goto found;
	if (ncounters == MAX_COUNTERS) {
		i = 0;	/* cannot happen with the names below */
		goto found;
	}
	i = ncounters;
	snprintf(counters[i].name, sizeof(counters[i].name), "%s", name);
	ncounters++;
found:
	pthread_mutex_unlock(&lock);
	return i;
}

/* A system instruction by its op1, CRm and op2 fields, and its name. */
struct sysop {
	unsigned char op1, crm, op2;
	const char *name;
};

static const char *sysop_name(const struct sysop *t, size_t n,
			      unsigned int op1, unsigned int crm,
			      unsigned int op2)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].op1 == op1 && t[i].crm == crm && t[i].op2 == op2)
			return t[i].name;
	return NULL;
}

static const char *tlbi_name(unsigned int op1, unsigned int crm,
			     unsigned int op2)
{
	static const struct sysop t[] = {
		{ 0, 3, 0, "VMALLE1IS" }, { 0, 3, 1, "VAE1IS" },
		{ 0, 3, 2, "ASIDE1IS" }, { 0, 3, 3, "VAAE1IS" },
		{ 0, 3, 5, "VALE1IS" }, { 0, 3, 7, "VAALE1IS" },
		{ 0, 7, 0, "VMALLE1" }, { 0, 7, 1, "VAE1" },
		{ 0, 7, 2, "ASIDE1" }, { 0, 7, 3, "VAAE1" },
		{ 0, 7, 5, "VALE1" }, { 0, 7, 7, "VAALE1" },
		{ 0, 2, 1, "RVAE1IS" }, { 0, 2, 3, "RVAAE1IS" },
		{ 0, 2, 5, "RVALE1IS" }, { 0, 2, 7, "RVAALE1IS" },
		{ 0, 6, 1, "RVAE1" }, { 0, 6, 3, "RVAAE1" },
		{ 0, 6, 5, "RVALE1" }, { 0, 6, 7, "RVAALE1" },
		{ 4, 0, 1, "IPAS2E1IS" }, { 4, 0, 2, "RIPAS2E1IS" },
		{ 4, 0, 5, "IPAS2LE1IS" }, { 4, 0, 6, "RIPAS2LE1IS" },
		{ 4, 4, 1, "IPAS2E1" }, { 4, 4, 2, "RIPAS2E1" },
		{ 4, 4, 5, "IPAS2LE1" }, { 4, 4, 6, "RIPAS2LE1" },
		{ 4, 3, 0, "ALLE2IS" }, { 4, 3, 1, "VAE2IS" },
		{ 4, 3, 4, "ALLE1IS" }, { 4, 3, 5, "VALE2IS" },
		{ 4, 3, 6, "VMALLS12E1IS" },
		{ 4, 7, 0, "ALLE2" }, { 4, 7, 1, "VAE2" }, { 4, 7, 4, "ALLE1" },
		{ 4, 7, 5, "VALE2" }, { 4, 7, 6, "VMALLS12E1" },
		{ 4, 2, 1, "RVAE2IS" }, { 4, 2, 5, "RVALE2IS" },
		{ 4, 6, 1, "RVAE2" }, { 4, 6, 5, "RVALE2" },
	};

	return sysop_name(t, sizeof(t) / sizeof(t[0]), op1, crm, op2);
}

static const char *cache_name(unsigned int op1, unsigned int crm,
			      unsigned int op2)
{
	static const struct sysop t[] = {
		{ 0, 1, 0, "ic:IALLUIS" }, { 0, 5, 0, "ic:IALLU" },
		{ 3, 5, 1, "ic:IVAU" },
		{ 0, 6, 1, "dc:IVAC" }, { 0, 6, 2, "dc:ISW" },
		{ 0, 10, 2, "dc:CSW" }, { 0, 14, 2, "dc:CISW" },
		{ 3, 4, 1, "dc:ZVA" }, { 3, 10, 1, "dc:CVAC" },
		{ 3, 11, 1, "dc:CVAU" }, { 3, 12, 1, "dc:CVAP" },
		{ 3, 13, 1, "dc:CVADP" }, { 3, 14, 1, "dc:CIVAC" },
	};

	return sysop_name(t, sizeof(t) / sizeof(t[0]), op1, crm, op2);
}

/* Counter name for @insn, or NULL when it is not counted on its own. */
static const char *classify(uint32_t insn, char *buf, size_t len)
{
	unsigned int op1 = (insn >> 16) & 7, crn = (insn >> 12) & 15;
	unsigned int crm = (insn >> 8) & 15, op2 = (insn >> 5) & 7;
	const char *n;

	if ((insn & 0xfffff0ffu) == 0xd503309fu)
		return "dsb";
	if ((insn & 0xfffff0ffu) == 0xd50330bfu)
		return "dmb";
	if ((insn & 0xfffff0ffu) == 0xd50330dfu)
		return "isb";
	if ((insn & 0xffe0001fu) == 0xd4000002u)
		return "hvc";
	if ((insn & 0xffe0001fu) == 0xd4000003u)
		return "smc";
	if (insn == 0xd69f03e0u)
		return "eret";
	if ((insn & 0xfff80000u) != 0xd5080000u)	/* SYS, L = 0 */
		return NULL;
	if (crn == 8 || crn == 9) {
		n = tlbi_name(op1, crm, op2);
		if (n)
			snprintf(buf, len, "tlbi:%s%s", n, crn == 9 ? "nXS" : "");
		else
			snprintf(buf, len, "tlbi:op1=%u,CRn=%u,CRm=%u,op2=%u",
				 op1, crn, crm, op2);
		return buf;
	}
	if (crn == 7 && crm != 8 && crm != 9) {		/* not AT */
		n = cache_name(op1, crm, op2);
		if (n)
			return n;
		snprintf(buf, len, "sys7:op1=%u,CRm=%u,op2=%u", op1, crm, op2);
		return buf;
	}
	return NULL;
}

static void dump(const char *tag, const uint64_t *base)
{
	char line[128];
	int i;

	for (i = 0; i < ncounters; i++) {
		uint64_t v = __atomic_load_n(&counters[i].count, __ATOMIC_RELAXED);

		if (base)
			v -= base[i];
		if (!v)
			continue;
		snprintf(line, sizeof(line), "%s %s %" PRIu64 "\n", tag,
			 counters[i].name, v);
		if (out)
			fputs(line, out);
		else
			qemu_plugin_outs(line);
	}
	if (out)
		fflush(out);
}

static void count_cb(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	__atomic_fetch_add(&counters[(uintptr_t)udata].count, 1, __ATOMIC_RELAXED);
}

static void tb_cb(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	__atomic_fetch_add(&counters[insns_idx].count, (uintptr_t)udata,
			   __ATOMIC_RELAXED);
}

static void mark_cb(unsigned int vcpu, void *udata)
{
	char tag[32];
	int i;

	(void)vcpu;
	pthread_mutex_lock(&lock);
	if ((uintptr_t)udata == MARK_START) {
		for (i = 0; i < ncounters; i++)
			snapshot[i] = __atomic_load_n(&counters[i].count,
						      __ATOMIC_RELAXED);
	} else {
		snprintf(tag, sizeof(tag), "window %d", ++window);
		dump(tag, snapshot);
	}
	pthread_mutex_unlock(&lock);
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;
	char buf[64];

	(void)id;
	qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_cb, QEMU_PLUGIN_CB_NO_REGS,
					     (void *)(uintptr_t)n);
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t va = qemu_plugin_insn_vaddr(insn);
		const char *name;
		uint32_t op;
		int s;

		for (s = 0; s < nsyms; s++)
			if (syms[s].addr == va)
				qemu_plugin_register_vcpu_insn_exec_cb(insn,
					count_cb, QEMU_PLUGIN_CB_NO_REGS,
					(void *)(uintptr_t)syms[s].idx);
		if (qemu_plugin_insn_size(insn) != 4)
			continue;
		memcpy(&op, qemu_plugin_insn_data(insn), 4);
		if (op == MARK_START || op == MARK_STOP) {
			qemu_plugin_register_vcpu_insn_exec_cb(insn, mark_cb,
				QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)op);
			continue;
		}
		name = classify(op, buf, sizeof(buf));
		if (name)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, count_cb,
				QEMU_PLUGIN_CB_NO_REGS,
				(void *)(uintptr_t)counter(name));
	}
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	pthread_mutex_lock(&lock);
	dump("total", NULL);
	pthread_mutex_unlock(&lock);
	if (out)
		fclose(out);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	char name[64];
	int i;

	if (strcmp(info->target_name, "aarch64")) {
		fprintf(stderr, "opcount: target %s is not aarch64\n",
			info->target_name);
		return -1;
	}
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4)) {
			out = fopen(argv[i] + 4, "w");
			if (!out) {
				perror(argv[i] + 4);
				return -1;
			}
		} else if (!strncmp(argv[i], "sym=", 4) && nsyms < MAX_SYMS) {
			char *at = strchr(argv[i] + 4, '@');

			if (!at) {
				fprintf(stderr, "opcount: bad %s\n", argv[i]);
				return -1;
			}
			snprintf(syms[nsyms].name, sizeof(syms[nsyms].name),
				 "%.*s", (int)(at - argv[i] - 4), argv[i] + 4);
			syms[nsyms].addr = strtoull(at + 1, NULL, 16);
			snprintf(name, sizeof(name), "call:%s", syms[nsyms].name);
			syms[nsyms].idx = counter(name);
			nsyms++;
		} else {
			fprintf(stderr, "opcount: unknown argument %s\n", argv[i]);
			return -1;
		}
	}
	insns_idx = counter("insns");
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
