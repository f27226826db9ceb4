// SPDX-License-Identifier: GPL-2.0
/*
 * hwbench: the series' benchmark scenarios on an arm64 host, natively (no
 * QEMU), with counts of the stage-2 maintenance the kernel's own entry
 * points saw, taken with kprobes. Run it as root on a kernel without the
 * series and on one with it, then compare the two result directories with
 * scripts/hw-compare.sh. The test bed runs it inside its emulated arm64
 * host too, and checks its counts against the QEMU plugin's.
 *
 *   hwbench [-r ROUNDS] [-o OUTDIR] [-k KVM_SELFTESTS] [-s SCENARIOS]
 *           [-t TIMEOUT] [-n] [-d] [SCENARIO...]
 *
 * -k: the directory of the built KVM selftests (the kernel tree's
 *     tools/testing/selftests/kvm); scenario commands name them /kvm/...
 * -s: the scenario file (virt/scenarios); default: every scenario in it.
 * -r: timed rounds per scenario (default 3), then one counted run. With 0,
 *     only the counted run (its figures are reported but not timed alone).
 * -n: leave THP and huge page settings alone (default: THP "madvise", one
 *     1G page and 600 2M pages, as the test bed sets them; restored after).
 * -d: print every result file on stdout at the end (the test VM's way out).
 *
 * OUTDIR (default ./hwbench-RELEASE): "env" (the machine, the kernel, KVM's
 * mode, what it uses, the probes), roundR/results.ktap and
 * count/{results.ktap,counts} in the layout scripts/bench-report.py reads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SCEN	64
#define MAX_ARGS	32
#define LINE_LEN	4096
#define GROUP		"kvms2"

/*
 * Host-side entry points of stage-2 maintenance, in both kernels. The
 * __kvm_tlb_flush_* functions are hyp calls: in VHE a direct call the host
 * can probe; in nVHE and protected mode they run at EL2, out of reach.
 */
static const char *const probe_syms[] = {
	"__kvm_tlb_flush_vmid_ipa", "__kvm_tlb_flush_vmid_ipa_nsh",
	"__kvm_tlb_flush_vmid_range", "__kvm_tlb_flush_vmid",
	"kvm_tlb_flush_vmid_range", "kvm_arch_flush_remote_tlbs",
	"kvm_arch_flush_remote_tlbs_range", "kvm_pgtable_stage2_unmap",
	"kvm_pgtable_stage2_wrprotect", "kvm_pgtable_stage2_flush",
	"stage2_flush_vm", "kvm_pgtable_stage2_split",
	"kvm_handle_guest_abort",
};
#define NPROBES (sizeof(probe_syms) / sizeof(probe_syms[0]))

static struct scen {
	char name[64];
	char cmd[LINE_LEN];
} scen[MAX_SCEN];
static int nscen;
static bool probe_ok[NPROBES];
static char tracefs[64];
static const char *kvmdir = "/kvm", *outdir;
static int timeout_s = 1200;
static bool kvm_vhe;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("hwbench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && strchr(" \t\r\n", e[-1]))
		*--e = '\0';
	return s;
}

/* Write @val to @path; false (errno set) on failure. */
static bool put(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_APPEND);
	ssize_t n;

	if (fd < 0)
		return false;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val);
}

/* The first line of @path into @buf ("" if unreadable). */
static char *get(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f) {
		if (!fgets(buf, len, f))
			buf[0] = '\0';
		fclose(f);
	}
	trim(buf);
	return buf;
}

static FILE *out_open(const char *rel)
{
	char path[LINE_LEN], *p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, rel);
	for (p = path + strlen(outdir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	return f;
}

/* Scenario lines: NAME | CPUs | tags | figures | command (virt/scenarios). */
static void load_scenarios(const char *path, char **want, int nwant)
{
	char line[LINE_LEN];
	FILE *f = fopen(path, "r");

	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *fld[5], *p = line;
		int i, n = 0;
		bool take = !nwant;

		if (*trim(line) == '#' || !*trim(line))
			continue;
		for (n = 0; n < 5 && p; n++) {
			fld[n] = p;
			p = n < 4 ? strchr(p, '|') : NULL;
			if (p)
				*p++ = '\0';
		}
		if (n < 5)
			die("%s: bad line: %s", path, line);
		for (i = 0; i < nwant; i++)
			take |= !strcmp(want[i], trim(fld[0]));
		if (!take)
			continue;
		if (nscen == MAX_SCEN)
			die("%s: too many scenarios", path);
		snprintf(scen[nscen].name, sizeof(scen[0].name), "%s", trim(fld[0]));
		snprintf(scen[nscen].cmd, sizeof(scen[0].cmd), "%s", trim(fld[4]));
		nscen++;
	}
	fclose(f);
	for (int i = 0; i < nwant; i++) {
		bool found = false;

		for (int j = 0; j < nscen; j++)
			found |= !strcmp(want[i], scen[j].name);
		if (!found)
			die("unknown scenario '%s' (see %s)", want[i], path);
	}
	if (!nscen)
		die("%s: no scenario", path);
}

/*
 * Run scenario @s as test @num of a KTAP file: its output as "# " lines,
 * then "ok"/"not ok", the format of the test VM's init.
 */
static void run_one(FILE *ktap, int num, const struct scen *s)
{
	char cmd[LINE_LEN], *argv[MAX_ARGS + 1], *save, *w, line[LINE_LEN];
	int pipefd[2], status, argc = 0;
	double t0 = now();
	FILE *in;
	pid_t pid;

	snprintf(cmd, sizeof(cmd), "%s", s->cmd);
	for (w = strtok_r(cmd, " ", &save); w && argc < MAX_ARGS; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	if (!argc)
		die("scenario %s: empty command", s->name);
	fprintf(ktap, "# run %d %s: %s\n", num, s->name, s->cmd);
	fflush(ktap);
	if (!strncmp(argv[0], "/kvm/", 5)) {
		static char bin[LINE_LEN];

		snprintf(bin, sizeof(bin), "%s/%s", kvmdir, argv[0] + 5);
		argv[0] = bin;
	}
	if (pipe(pipefd))
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		close(pipefd[1]);
		alarm(timeout_s);
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	in = fdopen(pipefd[0], "r");
	while (in && fgets(line, sizeof(line), in))
		fprintf(ktap, "# %s", line[strlen(line) - 1] == '\n' ? line : strcat(line, "\n"));
	if (in)
		fclose(in);
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		fprintf(ktap, "ok %d %s # %.1fs\n", num, s->name, now() - t0);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 4)
		fprintf(ktap, "ok %d %s # SKIP %.1fs\n", num, s->name, now() - t0);
	else if (WIFEXITED(status))
		fprintf(ktap, "not ok %d %s # exit status %d, %.1fs\n", num, s->name,
			WEXITSTATUS(status), now() - t0);
	else
		fprintf(ktap, "not ok %d %s # killed by signal %d%s, %.1fs\n", num, s->name,
			WTERMSIG(status), WTERMSIG(status) == SIGALRM ? " (timeout)" : "",
			now() - t0);
	fflush(ktap);
	fprintf(stderr, "hwbench: %s: %s\n", s->name,
		WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 4) ?
		"done" : "FAILED");
}

static void find_tracefs(void)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[128];

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < 2; i++) {
			snprintf(path, sizeof(path), "%s/kprobe_events", dirs[i]);
			if (!access(path, W_OK)) {
				snprintf(tracefs, sizeof(tracefs), "%s", dirs[i]);
				return;
			}
		}
		mount("tracefs", dirs[0], "tracefs", 0, NULL);
	}
}

/* Register the probes; say in @env which exist and why the others do not. */
static void probes_add(FILE *env)
{
	char path[256], def[256];

	find_tracefs();
	if (!tracefs[0]) {
		fprintf(env, "probes: unavailable (no tracefs with kprobe_events: the kernel needs CONFIG_KPROBE_EVENTS, and root)\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/kprobe_events", tracefs);
	for (size_t i = 0; i < NPROBES; i++) {
		snprintf(def, sizeof(def), "-:%s/%s\n", GROUP, probe_syms[i]);
		put(path, def);	/* a leftover of an interrupted run */
		if (!kvm_vhe && !strncmp(probe_syms[i], "__kvm_", 6)) {
			fprintf(env, "probe: %s no (a hyp call: runs at EL2 unless KVM runs in VHE mode)\n",
				probe_syms[i]);
			continue;
		}
		snprintf(def, sizeof(def), "p:%s/%s %s\n", GROUP, probe_syms[i], probe_syms[i]);
		probe_ok[i] = put(path, def);
		fprintf(env, "probe: %s %s\n", probe_syms[i], probe_ok[i] ? "yes" :
			errno == ENOENT ? "no (no such symbol: inlined, or not in this kernel)" :
			errno == EINVAL ? "no (cannot be probed: at EL2 in nVHE/protected mode, or blacklisted)" :
			strerror(errno));
	}
	snprintf(path, sizeof(path), "%s/events/%s/enable", tracefs, GROUP);
	if (!put(path, "1\n"))
		fprintf(env, "probes: could not enable (%s)\n", strerror(errno));
}

static void probes_del(void)
{
	char path[256], def[256];

	if (!tracefs[0])
		return;
	snprintf(path, sizeof(path), "%s/events/%s/enable", tracefs, GROUP);
	put(path, "0\n");
	snprintf(path, sizeof(path), "%s/kprobe_events", tracefs);
	for (size_t i = 0; i < NPROBES; i++) {
		if (!probe_ok[i])
			continue;
		snprintf(def, sizeof(def), "-:%s/%s\n", GROUP, probe_syms[i]);
		put(path, def);
	}
}

/* Hits of each probe so far (kprobe_profile: "NAME HITS MISSES"). */
static void probes_read(unsigned long long *hits)
{
	char path[256], line[512], name[256];
	unsigned long long h, m;
	FILE *f;

	memset(hits, 0, NPROBES * sizeof(*hits));
	if (!tracefs[0])
		return;
	snprintf(path, sizeof(path), "%s/kprobe_profile", tracefs);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %llu %llu", name, &h, &m) != 3)
			continue;
		for (size_t i = 0; i < NPROBES; i++)
			if (probe_ok[i] && !strcmp(name, probe_syms[i]))
				hits[i] = h;
	}
	fclose(f);
}

/* Whether the kernel log says @what. */
static bool klog_has(const char *klog, const char *what)
{
	return klog && strstr(klog, what);
}

static void write_env(FILE *env, int rounds)
{
	char buf[LINE_LEN], path[256], *klog = NULL, *p;
	struct utsname u;
	int len = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	FILE *f;

	uname(&u);
	fprintf(env, "date: %ld\n", (long)time(NULL));
	fprintf(env, "kernel: %s\n", u.release);
	fprintf(env, "kernel-version: %s %s\n", u.version, u.machine);
	fprintf(env, "cmdline: %s\n", get("/proc/cmdline", buf, sizeof(buf)));
	fprintf(env, "machine: %s\n", *get("/sys/firmware/devicetree/base/model", buf, sizeof(buf)) ?
		buf : get("/sys/class/dmi/id/product_name", buf, sizeof(buf)));
	f = fopen("/proc/cpuinfo", "r");
	while (f && fgets(buf, sizeof(buf), f)) {
		if (!strncmp(buf, "Features", 8) || !strncmp(buf, "CPU implementer", 15) ||
		    !strncmp(buf, "CPU part", 8) || !strncmp(buf, "CPU variant", 11)) {
			fprintf(env, "cpu0 %s", buf);
		} else if (!strncmp(buf, "processor", 9) && strstr(buf, ": 1")) {
			break;
		}
	}
	if (f)
		fclose(f);
	fprintf(env, "cpus: %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
	if (len > 0) {
		klog = calloc(1, len + 1);
		if (klog && klogctl(3, klog, len) < 0) {	/* SYSLOG_ACTION_READ_ALL */
			free(klog);
			klog = NULL;
		}
	}
	if (!klog)
		fprintf(env, "kernel-log: unreadable (KVM mode and features unknown)\n");
	/* "kvm [1]: VHE mode...", "Hyp nVHE mode...", "Protected hVHE mode..." */
	kvm_vhe = klog_has(klog, "]: VHE mode initialized") ||
		  klog_has(klog, "]: VHE+NV2 mode initialized");
	fprintf(env, "kvm: %s\n",
		kvm_vhe ? "VHE" :
		klog_has(klog, "Protected hVHE") ? "protected (hVHE)" :
		klog_has(klog, "Protected nVHE") ? "protected (nVHE)" :
		klog_has(klog, "Hyp hVHE") ? "hVHE" :
		klog_has(klog, "Hyp nVHE") ? "nVHE" :
		access("/dev/kvm", R_OK) ? "no /dev/kvm" : "unknown (not in the kernel log)");
	fprintf(env, "tlb-range: detected=%s",
		!klog ? "unknown" : klog_has(klog, "detected: TLB range maintenance") ? "yes" : "no");
	/* Used only if the kernel was built with ARM64_TLB_RANGE. */
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	f = fopen(path, "r");
	p = "unknown (no /boot/config-RELEASE)";
	while (f && fgets(buf, sizeof(buf), f)) {
		if (!strncmp(buf, "CONFIG_ARM64_TLB_RANGE=y", 24))
			p = "yes";
		else if (!strncmp(buf, "# CONFIG_ARM64_TLB_RANGE is not set", 35))
			p = "no";
	}
	if (f) {
		fclose(f);
		if (!strncmp(p, "unknown", 7))
			p = "no";
	}
	fprintf(env, " config=%s\n", p);
	fprintf(env, "fwb: %s\n", !klog ? "unknown" :
		klog_has(klog, "detected: Stage-2 Force Write-Back") ? "yes" : "no");
	free(klog);
	/* A symbol only the series adds. */
	f = fopen("/proc/kallsyms", "r");
	p = "no";
	while (f && fgets(buf, sizeof(buf), f))
		if (strstr(buf, " kvm_pgtable_stage2_wrprotect_clean\n"))
			p = "yes (kvm_pgtable_stage2_wrprotect_clean in /proc/kallsyms)";
	if (f)
		fclose(f);
	fprintf(env, "series: %s\n", p);
	fprintf(env, "rounds: %d\n", rounds);
	fprintf(env, "selftests: %s\n", kvmdir);
}

/* THP and huge pages as the test bed sets them; the old values to restore. */
static char old_thp[64], old_2m[32], old_1g[32];
static const char thp_path[] = "/sys/kernel/mm/transparent_hugepage/enabled";
static const char hp2m_path[] = "/proc/sys/vm/nr_hugepages";
static const char hp1g_path[] = "/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages";

static void pages_setup(FILE *env)
{
	char buf[128], *b, *e;

	get(thp_path, buf, sizeof(buf));
	b = strchr(buf, '[');
	e = b ? strchr(b, ']') : NULL;
	if (b && e) {
		*e = '\0';
		snprintf(old_thp, sizeof(old_thp), "%s", b + 1);
	}
	get(hp1g_path, old_1g, sizeof(old_1g));
	get(hp2m_path, old_2m, sizeof(old_2m));
	put(thp_path, "madvise\n");
	/* One 1G page first, while memory is not fragmented yet. */
	if (atoi(old_1g) < 1)
		put(hp1g_path, "1\n");
	if (atoi(old_2m) < 600)
		put(hp2m_path, "600\n");
	fprintf(env, "thp: %s (was %s)\n", get(thp_path, buf, sizeof(buf)), old_thp);
	fprintf(env, "hugepages-2M: %s (was %s)\n", get(hp2m_path, buf, sizeof(buf)), old_2m);
	fprintf(env, "hugepages-1G: %s (was %s)\n", get(hp1g_path, buf, sizeof(buf)),
		old_1g[0] ? old_1g : "none");
}

static void pages_restore(void)
{
	char v[80];

	if (old_2m[0]) {
		snprintf(v, sizeof(v), "%s\n", old_2m);
		put(hp2m_path, v);
	}
	if (old_1g[0]) {
		snprintf(v, sizeof(v), "%s\n", old_1g);
		put(hp1g_path, v);
	}
	if (old_thp[0]) {
		snprintf(v, sizeof(v), "%s\n", old_thp);
		put(thp_path, v);
	}
}

static void dump(const char *rel)
{
	char path[LINE_LEN], line[LINE_LEN];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, rel);
	f = fopen(path, "r");
	if (!f)
		return;
	printf("hwbench-file: %s\n", rel);
	while (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	printf("hwbench-end: %s\n", rel);
	fclose(f);
}

int main(int argc, char **argv)
{
	const char *scenfile = "virt/scenarios";
	unsigned long long before[NPROBES], after[NPROBES];
	bool setpages = true, dumpit = false;
	int opt, rounds = 3;
	char rel[64], defout[300];
	struct utsname u;
	FILE *env, *ktap, *counts;

	while ((opt = getopt(argc, argv, "r:o:k:s:t:ndh")) != -1) {
		switch (opt) {
		case 'r': rounds = atoi(optarg); break;
		case 'o': outdir = optarg; break;
		case 'k': kvmdir = optarg; break;
		case 's': scenfile = optarg; break;
		case 't': timeout_s = atoi(optarg); break;
		case 'n': setpages = false; break;
		case 'd': dumpit = true; break;
		default:
			fprintf(stderr, "usage: %s [-r ROUNDS] [-o OUTDIR] [-k KVM_SELFTESTS] [-s SCENARIOS] [-t TIMEOUT] [-n] [-d] [SCENARIO...]\n",
				argv[0]);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (geteuid())
		die("run as root (kprobes, huge pages, /dev/kvm)");
	load_scenarios(scenfile, argv + optind, argc - optind);
	uname(&u);
	if (!outdir) {
		snprintf(defout, sizeof(defout), "hwbench-%s", u.release);
		outdir = defout;
	}
	if (mkdir(outdir, 0755) && errno != EEXIST)
		die("%s: %s", outdir, strerror(errno));

	env = out_open("env");
	write_env(env, rounds);
	if (setpages)
		pages_setup(env);

	/* Timed rounds, no probes armed. */
	for (int r = 1; r <= rounds; r++) {
		snprintf(rel, sizeof(rel), "round%d/results.ktap", r);
		ktap = out_open(rel);
		fprintf(ktap, "KTAP version 1\n1..%d\n", nscen);
		for (int i = 0; i < nscen; i++)
			run_one(ktap, i + 1, &scen[i]);
		fclose(ktap);
	}

	/* The counted run: each scenario is a window of the probes' hits. */
	probes_add(env);
	fclose(env);
	ktap = out_open("count/results.ktap");
	counts = out_open("count/counts");
	fprintf(ktap, "KTAP version 1\n1..%d\n", nscen);
	for (int i = 0; i < nscen; i++) {
		probes_read(before);
		run_one(ktap, i + 1, &scen[i]);
		probes_read(after);
		for (size_t j = 0; j < NPROBES; j++)
			if (probe_ok[j])
				fprintf(counts, "window %d call:%s %llu\n", i + 1, probe_syms[j],
					after[j] - before[j]);
	}
	fclose(ktap);
	fclose(counts);
	probes_del();
	if (setpages)
		pages_restore();

	if (dumpit) {
		dump("env");
		for (int r = 1; r <= rounds; r++) {
			snprintf(rel, sizeof(rel), "round%d/results.ktap", r);
			dump(rel);
		}
		dump("count/results.ktap");
		dump("count/counts");
	}
	fprintf(stderr, "hwbench: results in %s\n", outdir);
	return 0;
}
