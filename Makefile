# The README's two commands: `make demo` and `make test`. Each installs what is missing, builds, runs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# Debian packages the build needs (Debian 12 and 13 alike).
APT_PACKAGES := g++ pkg-config libre2-dev libsimdjson-dev zlib1g-dev libisal-dev libzstd-dev libpcap-dev libgtest-dev zstd
# What `make bench` adds: the peers it compares with (ripgrep, GoAccess), ISA-L's igzip, bgzip (tabix: the BGZF
# copy; pzstd comes with zstd) and GNU time (peak RSS); and for `make microbench` / `make callgrind`: Google
# Benchmark and valgrind.
BENCH_APT_PACKAGES := ripgrep goaccess isal tabix time libbenchmark-dev valgrind
# ... and the tests alone: headless Chromium opens the HTML report (about 80 MB to fetch, under a minute),
# tshark checks the SIP test expectations against the captures, a Prometheus server scrapes `logcodes watch`,
# nginx serves logs over HTTP with ranges and Spark runs on Java (docs/remote.md, docs/spark.md).
TEST_APT_PACKAGES := chromium fonts-dejavu-core tshark prometheus nginx default-jre-headless
# `make bench BENCH_ARGS="--sizes 64MiB,1GiB,4GiB"` passes options to benchmarks/run.py.
BENCH_ARGS ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# `make fuzz`: libFuzzer needs clang and its runtime (versionless metapackages on Debian 12 and 13).
FUZZ_APT_PACKAGES := clang libclang-rt-dev
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
FUZZ_BUILD := build/fuzz
# `make test SANITIZE=1`: core, C++ tests and the Python extension built with ASan + UBSan, both suites run.
SANITIZE ?= 0
ifeq ($(SANITIZE),1)
CPP_BUILD := build/cpp-asan
PY_BUILD := build/py-asan
CMAKE_SAN := -DLOGCODES_SANITIZE=ON
PIP_SAN := -Ccmake.define.LOGCODES_SANITIZE=ON -Ccmake.build-type=RelWithDebInfo
# The interpreter is not built with ASan: preload the runtime; CPython's own allocations are not leaks of ours.
PY_SAN_ENV := LD_PRELOAD="$$(gcc -print-file-name=libasan.so) $$(gcc -print-file-name=libubsan.so)" \
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
else
CPP_BUILD := build/cpp
PY_BUILD := build/py
CMAKE_SAN :=
PIP_SAN :=
PY_SAN_ENV :=
endif

.PHONY: wheel fresh-root demo test deps test-deps bench-deps fuzz-deps venv install cpp-test tsan-test py-test fuzz bench microbench callgrind mutate clean

demo: install
	$(VENV)/bin/logcodes demo

test: install cpp-test py-test $(if $(filter 1,$(SANITIZE)),tsan-test)

# System packages: installed with apt-get when root, otherwise named in a clear message. $(1): the packages.
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing system packages:$$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get -o DPkg::Lock::Timeout=300 update -qq && \
	    apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "logcodes needs these Debian packages:$$missing"; \
	    echo "install them with: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi
endef

deps:
	$(call apt_install,$(APT_PACKAGES))

test-deps:
	$(call apt_install,$(TEST_APT_PACKAGES))

# The bench's own tools, kept out of `make test`: Debian packages and benchmarks/requirements.txt.
bench-deps: venv
	$(call apt_install,$(BENCH_APT_PACKAGES))
	$(PIP) install -q -r benchmarks/requirements.txt

fuzz-deps: deps
	$(call apt_install,$(FUZZ_APT_PACKAGES))

$(VENV)/.stamp: requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { echo "cannot create a virtualenv: install python3-venv"; exit 1; }
	$(PIP) install -q --upgrade pip >/dev/null
	$(PIP) install -q -r requirements-dev.txt
	@touch $@

venv: deps $(VENV)/.stamp

install: venv
	$(PIP) install -q --no-build-isolation -Cbuild-dir=$(PY_BUILD) $(PIP_SAN) .

cpp-test: venv
	$(VENV)/bin/cmake -S . -B $(CPP_BUILD) -G Ninja -DCMAKE_MAKE_PROGRAM=$(abspath $(VENV)/bin/ninja) \
	  -DLOGCODES_BUILD_TESTS=ON -DLOGCODES_BUILD_PYTHON=OFF -DLOGCODES_WERROR=ON $(CMAKE_SAN) >/dev/null
	$(VENV)/bin/cmake --build $(CPP_BUILD) -j $(JOBS)
	cd $(CPP_BUILD) && $(abspath $(VENV)/bin/ctest) --output-on-failure -j $(JOBS)

# With SANITIZE=1 also: the C++ tests that share a stream or scan between threads, built with ThreadSanitizer.
TSAN_TESTS := StreamThreads.*:CompressedPiecesTest.*:PiecesTest.*:ScannerTest.SameResultForEveryThreadCountBlockSizeAndRange:ScannerTest.DefaultSamplesAreTheFirstOnesByLine:Events.*:ErrorLogPiecesTest.*:GroupsArrow.*:ScannerTest.AFormatChangeAtAPiecesEndIsDecidedAsOneReaderDecides
tsan-test: venv
	$(VENV)/bin/cmake -S . -B build/cpp-tsan -G Ninja -DCMAKE_MAKE_PROGRAM=$(abspath $(VENV)/bin/ninja) \
	  -DLOGCODES_BUILD_TESTS=ON -DLOGCODES_BUILD_PYTHON=OFF -DLOGCODES_TSAN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	$(VENV)/bin/cmake --build build/cpp-tsan -j $(JOBS) --target logcodes_tests
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 build/cpp-tsan/logcodes_tests --gtest_filter='$(TSAN_TESTS)'

py-test: install test-deps
	cd tests/python && $(PY_SAN_ENV) $(abspath $(PY)) -m pytest -q -p no:cacheprovider

# libFuzzer targets (tests/fuzz, see docs/fuzzing.md): built with clang + ASan + UBSan, each run for
# FUZZ_SECONDS (FUZZ_TARGETS="fuzz_sip fuzz_pcap" runs only those); non-zero exit on any finding.
fuzz: fuzz-deps venv
	CC=clang CXX=clang++ $(VENV)/bin/cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_MAKE_PROGRAM=$(abspath $(VENV)/bin/ninja) \
	  -DLOGCODES_BUILD_FUZZERS=ON -DLOGCODES_BUILD_PYTHON=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	$(VENV)/bin/cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers
	tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

bench: install bench-deps
	$(PY) benchmarks/run.py $(BENCH_ARGS)

# Developer benchmarks of the C++ core: per-stage bytes/s (Google Benchmark) and instructions per byte
# (callgrind) against the committed baseline.
microbench: bench-deps
	$(PY) benchmarks/micro.py

callgrind: bench-deps
	$(PY) benchmarks/callgrind.py

# `make mutate`: every mutant of tests/mutation/mutants.py against the tests it names; writes docs/mutation.md.
mutate: venv
	$(PY) tests/mutation/run.py

# `make wheel`: one self-contained manylinux wheel per CPython in WHEEL_PYTHONS, in dist/ (docs/packaging.md).
WHEEL_PYTHONS ?= 3.11 3.13
wheel: deps venv
	$(PIP) install -q -r packaging/requirements.txt
	packaging/build_wheels.sh $(abspath $(PY)) dist $(WHEEL_PYTHONS)

# `make fresh-root`: the wheels in dist/ installed and used in minimal Debian roots with no build packages.
FRESH_SUITES ?= bookworm trixie
fresh-root:
	$(call apt_install,debootstrap)
	packaging/fresh_root.sh dist $(FRESH_SUITES)

clean:
	rm -rf build dist $(VENV)
