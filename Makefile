# SPDX-License-Identifier: GPL-2.0
#
# KVM/arm64 stage-2 maintenance series: apply, build, boot, test, measure.
# 'make help' lists the targets and variables.

KERNEL_SRC ?=
KBASE      ?= 7.2
BUILD      ?= $(CURDIR)/build
JOBS       ?= $(shell echo $$(($$(nproc) + 1)))
CPUS       ?=
ROUNDS     ?= 3
SCENARIO   ?=
MUTANT     ?= $(basename $(notdir $(wildcard tools/mutants/*.diff)))
PLAN       ?=
TREE       ?= $(BUILD)/$(KBASE)/tree

PUBLISH    ?=

export KERNEL_SRC KBASE BUILD JOBS ROUNDS PLAN PUBLISH

S := scripts

.DEFAULT_GOAL := all
.PHONY: all help deps base apply kernels check test test-suite test-backport test-debug test-kasan \
	test-16k test-64k test-all selftests hw-check bench mutant-check tree patches \
	clean distclean

all: deps ## build both kernels, run dirty_log_perf_test on each, print the comparison
	$(S)/bench.sh --default $(CPUS)

help: ## this text
	@echo 'KVM/arm64 stage-2 series: make [TARGET] [VARIABLE=value ...]'
	@echo
	@echo 'Targets:'
	@awk 'BEGIN {FS = ":.*## "} /^[a-z0-9-]+:.*## / {printf "  %-11s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo
	@echo 'Variables:'
	@echo '  KBASE       the base: 7.2 (default; patches/) or 6.12 (the stable backport: patches/6.12)'
	@echo '  KERNEL_SRC  git tree to use as the base: v7.2 or newer, or v6.12.y with KBASE=6.12 (default: Debian linux-source-KBASE)'
	@echo '  BUILD       cache and output directory, one BUILD/KBASE per base (default: ./build)'
	@echo '  JOBS        parallel build jobs (default: nproc + 1)'
	@echo '  CPUS        CPU configurations from virt/cpus (default: all for test, max for make)'
	@echo '  ROUNDS      benchmark rounds per kernel (default: 3)'
	@echo '  SCENARIO    benchmark scenarios from virt/scenarios, space-separated (default: all)'
	@echo '  PUBLISH     1: make/make bench update Documentation/results/KBASE (default: build/KBASE/results/pages)'
	@echo '  PLAN        selftest plan (default: the one virt/plans/cpu-plans gives each configuration)'
	@echo '  MUTANT      tools/mutants/*.diff names for mutant-check (default: all)'
	@echo '  TREE        editing worktree for make tree / make patches (default: build/KBASE/tree)'
	@echo
	@echo 'Layout: patches/ the series (patches/6.12 the backport); scripts/ workflow; tools/ guest and host tools;'
	@echo 'virt/ test-VM CPU matrix, plans, scenarios; arch/ kconfig fragments;'
	@echo 'Documentation/ method and results. See README.md.'

deps: ## install missing Debian packages (apt-get)
	$(S)/deps.sh

base: ## commit the base kernel tree in BUILD/KBASE/src/base
	$(S)/base-tree.sh

apply: base ## apply patches/series with git am (names a patch that fails)
	$(S)/apply-series.sh

kernels: apply ## build baseline and patched kernels and their KVM selftests
	$(S)/build.sh baseline base
	$(S)/build.sh patched series

check: deps ## static half of make test: checkpatch, per-patch build, sparse/W=1, x86
	$(S)/test.sh --static

selftests: deps ## KVM selftests on every CPU configuration (CPUS=...)
	$(S)/test.sh --selftests $(CPUS)

test: deps ## everything (CI): check + series selftests on every CPU configuration + hwbench and count checks
	$(S)/test.sh $(CPUS)

test-suite: deps ## the whole arm64 KVM selftest suite (virt/plans/selftests.plan), on neoverse-n1 unless CPUS=
	$(S)/test.sh --suite $(CPUS)

test-backport: deps ## the 6.12 backport (patches/6.12): apply, checkpatch, kernel, series.plan on max, cortex-a72 (CPUS=; STATIC=1: apply and checkpatch only)
	$(S)/test-backport.sh $(if $(STATIC),--static) $(CPUS)

test-debug: deps ## lockdep/DEBUG_VM kernel runs virt/plans/variants.plan; splats fail (CPUS=)
	$(S)/test-variant.sh debug $(CPUS)

test-kasan: deps ## KASAN (generic, inline) kernel runs virt/plans/variants.plan (CPUS=)
	$(S)/test-variant.sh kasan $(CPUS)

test-16k: deps ## 16K-page host kernel runs virt/plans/variants.plan (max only)
	$(S)/test-variant.sh 16k $(CPUS)

test-64k: deps ## 64K-page host kernel runs virt/plans/variants.plan (CPUS=)
	$(S)/test-variant.sh 64k $(CPUS)

test-all: test test-debug test-kasan test-16k test-64k ## make test, then the four kernel variants

hw-check: deps ## tools/hwbench (the hardware benchmark) in the test VM on both kernels, kprobe counts against the plugin's (CPUS=)
	$(S)/hw-check.sh $(CPUS)

bench: deps ## benchmark scenarios with operation counts (SCENARIO=, CPUS=, ROUNDS=)
	$(S)/bench.sh $(if $(SCENARIO),--scenario "$(SCENARIO)") $(CPUS)

mutant-check: deps ## the exact count checks catch each known-bad kernel of tools/mutants (MUTANT=, CPUS=)
	@set -e; for m in $(MUTANT); do $(S)/mutant-check.sh $$m $(CPUS); done

tree: base ## git worktree of the base with the series as commits, for editing
	$(S)/tree.sh "$(TREE)"

patches: ## re-export patches/ from the editing tree (format-patch, cover letter)
	$(S)/export-patches.sh "$(TREE)"

clean: ## remove build outputs and results of both bases, keep the base trees and ccache
	rm -rf $(foreach b,7.2 6.12,"$(BUILD)/$(b)/out" "$(BUILD)/$(b)/results" "$(BUILD)/$(b)/guest-bin")

distclean: ## remove everything under BUILD
	rm -rf "$(BUILD)"
