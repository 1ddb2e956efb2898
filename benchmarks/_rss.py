"""Peak RSS of the current process, for the benchmark's child scripts (_scan_once.py, peers/_run_reader.py)."""


def peak_rss_kb():
    # VmHWM belongs to this process image only; getrusage's maxrss would also count the (large) parent
    # the harness forked from, since exec keeps the pre-exec high-water mark.
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None
