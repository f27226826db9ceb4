// SPDX-License-Identifier: GPL-2.0
/*
 * PID 1 of the test VM: mount the pseudo filesystems, run the plan in /plan,
 * print KTAP on the console, power off.
 *
 * Plan lines (blank lines and lines starting with '#' are ignored):
 *
 *   write PATH VALUE             write VALUE to PATH (THP, hugepages, KSM...)
 *   test NAME TIMEOUT CMD [ARG]  run CMD, kill its process group after
 *                                TIMEOUT seconds
 *
 * Built-in commands, run in the test's process, let the test bed test itself
 * (virt/plans/testbed.plan): "@write PATH VALUE" (e.g. sysrq to crash the
 * kernel), "@sleep SECONDS", "@exit STATUS".
 *
 * Tests are numbered from 1 in plan order. "ktap.start=K" on the kernel
 * command line skips tests before K (the host resumes a plan that way after
 * a test crashed the kernel); "write" lines always run.
 *
 * Each test runs between "hint #0x7e" and "hint #0x7f", NOPs that open and
 * close a counting window of the host's opcount plugin (tools/qemu-plugin).
 *
 * A test passes on exit status 0, is skipped on 4 (KSFT_SKIP) and fails
 * otherwise, on a timeout, or when the kernel logged a warning, BUG, oops or
 * lockdep report while it ran: those kernel lines are copied into the test's
 * output. On a timeout, the CPUs' backtraces and all tasks' stacks (sysrq l
 * and t) are copied there too, before the test is killed.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KSFT_SKIP	4
#define MAX_ARGS	64
#define LINE_MAX_LEN	4096

static int kmsg_fd = -1;

/* Counting-window marks for tools/qemu-plugin/opcount.c: NOPs otherwise. */
static inline void mark_start(void)
{
	asm volatile("hint #0x7e" ::: "memory");
}

static inline void mark_stop(void)
{
	asm volatile("hint #0x7f" ::: "memory");
}

static void out(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static void try_mount(const char *src, const char *dst, const char *type,
		      const char *opts)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, opts) && errno != EBUSY)
		out("# init: mount %s on %s: %s\n", type, dst, strerror(errno));
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0) {
		out("# init: open %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = write(fd, val, strlen(val));
	if (n < 0)
		out("# init: write '%s' to %s: %s\n", val, path, strerror(errno));
	close(fd);
	return n < 0 ? -1 : 0;
}

static void read_line_of(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* Kernel messages that make the running test fail. */
static bool kmsg_is_splat(const char *msg)
{
	static const char * const pat[] = {
		"------------[ cut here ]", "WARNING:", "BUG:", "Oops",
		"Unable to handle kernel", "kernel BUG", "Call trace:",
		"possible circular locking", "possible recursive locking",
		"inconsistent lock state", "suspicious RCU usage",
		"KASAN:", "UBSAN:", "INFO: task", "self-detected stall",
		"soft lockup", "hard LOCKUP", "list_add corruption",
		"list_del corruption", "bad page state",
	};
	size_t i;

	for (i = 0; i < sizeof(pat) / sizeof(pat[0]); i++)
		if (strstr(msg, pat[i]))
			return true;
	return false;
}

/*
 * The kernel's report of a user task killed by a signal it did not handle
 * (arm64's show_unhandled_signals, print-fatal-signals), followed by the
 * task's registers.
 */
static bool kmsg_is_signal_report(const char *msg)
{
	return strstr(msg, "unhandled exception") ||
	       strstr(msg, "potentially unexpected fatal signal");
}

/*
 * Read the kernel messages logged since the last call. With @echo_match,
 * print those whose text contains one of the strings; always print splats,
 * and the lines that follow one (its call trace) up to its end marker.
 * Returns the number of splat lines.
 */
static int kmsg_drain(const char * const *echo_match)
{
	/* Lines still to print after a splat: its call trace and registers. */
	static int trace_lines;
	char rec[8192];
	int splats = 0;

	if (kmsg_fd < 0)
		return 0;
	for (;;) {
		ssize_t n = read(kmsg_fd, rec, sizeof(rec) - 1);
		char *msg;
		bool echo = false;
		int i;

		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: keep going */
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		msg[strcspn(msg, "\n")] = '\0';
		if (kmsg_is_splat(msg)) {
			splats++;
			echo = true;
			trace_lines = 60;
		} else if (kmsg_is_signal_report(msg)) {
			/* not a kernel problem: shown, not counted */
			echo = true;
			trace_lines = 60;
		} else if (trace_lines > 0) {
			trace_lines--;
			echo = true;
			if (strstr(msg, "---[ end trace"))
				trace_lines = 0;
		}
		for (i = 0; echo_match && echo_match[i] && !echo; i++)
			echo = strstr(msg, echo_match[i]);
		if (echo)
			out("# kmsg: %s\n", msg);
	}
	return splats;
}

/*
 * A test that timed out may be stuck in the kernel: before it is killed,
 * have the kernel print what every CPU runs and every task's stack (sysrq l
 * and t), and copy that into the test's output.
 */
static void timeout_dump(void)
{
	static const char * const all[] = { "", NULL };

	out("# init: timeout: sysrq l and t before the kill\n");
	kmsg_drain(NULL);
	write_file("/proc/sysrq-trigger", "l");
	write_file("/proc/sysrq-trigger", "t");
	sleep(1);
	kmsg_drain(all);
}

static void setup(void)
{
	static const char * const boot_match[] = {
		"CPU features: detected", "kvm [", "KVM", "Hyp", "VHE",
		"Machine model", "Linux version", "Memory:",
		/* the debug variants' checkers, to show they were on */
		"KernelAddressSanitizer", "Lock dependency validator", NULL,
	};

	try_mount("proc", "/proc", "proc", NULL);
	try_mount("sysfs", "/sys", "sysfs", NULL);
	try_mount("devtmpfs", "/dev", "devtmpfs", NULL);
	try_mount("debugfs", "/sys/kernel/debug", "debugfs", NULL);
	try_mount("tmpfs", "/tmp", "tmpfs", NULL);
	try_mount("hugetlbfs", "/dev/hugepages", "hugetlbfs", NULL);

	/* Registers and code of a task killed by SIGSEGV, SIGBUS, SIGILL... */
	write_file("/proc/sys/kernel/print-fatal-signals", "1");
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	out("KTAP version 1\n");
	kmsg_drain(boot_match);
}

/* Split @line at blanks into at most @max words. */
static int split(char *line, char **argv, int max)
{
	int n = 0;
	char *save, *w;

	for (w = strtok_r(line, " \t\n", &save); w && n < max - 1;
	     w = strtok_r(NULL, " \t\n", &save))
		argv[n++] = w;
	argv[n] = NULL;
	return n;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Copy the child's output, prefixed "# ", until EOF or the deadline. */
static bool relay(int fd, double deadline)
{
	char buf[LINE_MAX_LEN], line[LINE_MAX_LEN];
	size_t len = 0;
	bool eof = false;

	while (!eof) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double left = deadline - now();
		ssize_t n;
		int r;

		if (left <= 0)
			break;
		r = poll(&p, 1, left > 1 ? 1000 : (int)(left * 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			eof = true;
			n = 0;
		}
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n' || len == sizeof(line) - 1) {
				line[len] = '\0';
				out("# %s\n", line);
				len = 0;
				if (buf[i] == '\n')
					continue;
			}
			line[len++] = buf[i];
		}
	}
	if (len) {
		line[len] = '\0';
		out("# %s\n", line);
	}
	return eof;
}

static void run_test(int num, char *name, int timeout, char **argv)
{
	double t0 = now(), dt;
	int pipefd[2], status = 0, splats;
	bool finished;
	pid_t pid;

	out("# run %d %s:", num, name);
	for (int i = 0; argv[i]; i++)
		out(" %s", argv[i]);
	out("\n");

	kmsg_drain(NULL);	/* forget what came before this test */
	if (pipe2(pipefd, O_CLOEXEC)) {
		out("not ok %d %s # pipe: %s\n", num, name, strerror(errno));
		return;
	}
	mark_start();
	pid = fork();
	if (pid == 0) {
		setsid();
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		if (chdir("/tmp"))
			_exit(127);
		if (!strcmp(argv[0], "@write") && argv[1] && argv[2])
			_exit(write_file(argv[1], argv[2]) ? 1 : 0);
		if (!strcmp(argv[0], "@sleep") && argv[1]) {
			sleep(atoi(argv[1]));
			_exit(0);
		}
		if (!strcmp(argv[0], "@exit") && argv[1])
			_exit(atoi(argv[1]));
		if (!strcmp(argv[0], "@segv")) {
			/* A store through NULL, unhandled: the test bed's SIGSEGV. */
			volatile int *volatile p = NULL;

			signal(SIGSEGV, SIG_DFL);
			*p = 0;
			_exit(0);
		}
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	if (pid < 0) {
		mark_stop();
		close(pipefd[0]);
		out("not ok %d %s # fork: %s\n", num, name, strerror(errno));
		return;
	}

	finished = relay(pipefd[0], t0 + timeout);
	if (!finished) {
		timeout_dump();
		kill(-pid, SIGKILL);
	}
	close(pipefd[0]);
	/* The test may have left children holding the pipe: reap ours. */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	mark_stop();
	kill(-pid, SIGKILL);
	dt = now() - t0;

	splats = kmsg_drain(NULL);
	if (!finished)
		out("not ok %d %s # TIMEOUT after %ds\n", num, name, timeout);
	else if (splats)
		out("not ok %d %s # kernel reported %d warning line(s), %.1fs\n",
		    num, name, splats, dt);
	else if (WIFSIGNALED(status))
		out("not ok %d %s # killed by signal %d, %.1fs\n", num, name,
		    WTERMSIG(status), dt);
	else if (WEXITSTATUS(status) == KSFT_SKIP)
		out("ok %d %s # SKIP %.1fs\n", num, name, dt);
	else if (WEXITSTATUS(status))
		out("not ok %d %s # exit status %d, %.1fs\n", num, name,
		    WEXITSTATUS(status), dt);
	else
		out("ok %d %s # %.1fs\n", num, name, dt);
}

static int cmdline_start(void)
{
	char buf[LINE_MAX_LEN];
	char *p;

	read_line_of("/proc/cmdline", buf, sizeof(buf));
	p = strstr(buf, "ktap.start=");
	return p ? atoi(p + strlen("ktap.start=")) : 1;
}

static void reap_orphans(int sig)
{
	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

int main(void)
{
	char line[LINE_MAX_LEN], *argv[MAX_ARGS];
	int num = 0, start, ntests = 0;
	FILE *plan;

	setup();
	signal(SIGCHLD, SIG_DFL);
	start = cmdline_start();

	plan = fopen("/plan", "r");
	if (!plan) {
		out("# init: no /plan: %s\n", strerror(errno));
		goto off;
	}
	while (fgets(line, sizeof(line), plan)) {
		char *p = line;

		while (isspace((unsigned char)*p))
			p++;
		if (!strncmp(p, "test ", 5))
			ntests++;
	}
	out("1..%d\n", ntests);
	if (start > 1)
		out("# resuming at test %d\n", start);
	rewind(plan);

	while (fgets(line, sizeof(line), plan)) {
		int n = split(line, argv, MAX_ARGS);

		if (!n || argv[0][0] == '#')
			continue;
		if (!strcmp(argv[0], "write") && n == 3) {
			write_file(argv[1], argv[2]);
		} else if (!strcmp(argv[0], "test") && n >= 4) {
			num++;
			if (num >= start)
				run_test(num, argv[1], atoi(argv[2]), argv + 3);
			reap_orphans(0);
		} else {
			out("# init: bad plan line: %s\n", argv[0]);
		}
	}
	fclose(plan);
	out("# plan complete\n");
off:
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
