"""`logcodes watch` and `follow` under faults: FIFOs and devices, checkpoints that cannot be written, device
changes, siblings that are no rotated generations, two watchers, foreign checkpoint entries, copy-truncate
with the same beginning, damaged checkpoints and bad arguments, rotated `.zst` files. Each writer/reader
test sums the windows emitted: every line written is counted exactly once, or the run ends with a clear
refusal."""

import collections
import contextlib
import errno
import gzip
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest

import logcodes
from logcodes import _checkpoint
from logcodes._tail import is_rotated_name
from logcodes.watch import watch

CODES = [200, 200, 404, 500, 302, 503, 200, 499]


def make_lines(start, n, prefix=""):
    """`n` combined-log lines numbered from `start` (after `prefix` in the user agent), and their codes."""
    out, truth = [], collections.Counter()
    for i in range(start, start + n):
        code = CODES[i % len(CODES)]
        out.append(f'10.3.{i % 200}.{i % 250} - - [24/Nov/2026:12:{i % 60:02d}:{i % 60:02d} +0000] '
                   f'"GET /f/{i} HTTP/1.1" {code} {i % 700} "-" "{prefix}fault/{i}"\n')
        truth[code] += 1
    return "".join(out).encode(), truth


def append(path, data):
    with open(path, "ab") as f:
        f.write(data)


def watch_cmd(*args):
    return [sys.executable, "-m", "logcodes", "watch", *map(str, args)]


def totals_of(jsonl):
    """Counts by code summed over JSON lines (str or a list of dicts), and the problems reported."""
    windows = [json.loads(x) for x in jsonl.splitlines()] if isinstance(jsonl, str) else jsonl
    got = collections.Counter()
    problems = []
    for w in windows:
        for c in w["counts"]:
            got[c["code"]] += c["count"]
        problems += w["problems"]
    return got, problems


def once(log, cp, *extra, timeout=60):
    """One `logcodes watch --once` run (the real CLI)."""
    return subprocess.run(watch_cmd(log, "--jsonl", "--once", "--format", "combined", "--checkpoint", cp, *extra),
                          capture_output=True, text=True, timeout=timeout)


def watch_once_in_process(log, cp):
    """`watch(once=True)` in this process: (exit status or the error raised, JSON lines written)."""
    out = io.StringIO()
    try:
        status = watch([str(log)], interval="0.05s", jsonl=True, checkpoint=str(cp), format="combined", once=True,
                       out=out)
    except logcodes.LogcodesError as e:
        status = e
    return status, out.getvalue()


class Watcher:
    """`logcodes watch --jsonl` as a subprocess, its windows summed in a thread."""

    def __init__(self, *args):
        self.proc = subprocess.Popen(watch_cmd(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.windows = []
        self.seen = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        for line in self.proc.stdout:
            self.windows.append(json.loads(line))
            self.seen.set()

    def totals(self):
        return totals_of(list(self.windows))

    def wait_for(self, want, timeout=30):
        """Polls until the windows sum to `want` (a Counter of codes) or the timeout passes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.totals()[0] != want:
            time.sleep(0.02)
        return self.totals()[0]

    def stop(self, sig=signal.SIGTERM):
        """Sends `sig`; returns the exit status and the seconds it took to exit."""
        t0 = time.monotonic()
        self.proc.send_signal(sig)
        status = self.proc.wait(20)
        took = time.monotonic() - t0
        self.thread.join(10)
        return status, took


# -- 1. FIFOs and devices ---------------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["fifo", "/dev/zero"])
def test_fifo_or_device_in_place_of_the_log_is_refused(tmp_path, where):
    log = tmp_path / "access.log"
    if where == "fifo":
        os.mkfifo(log)           # no writer: an open() without O_NONBLOCK would wait forever
    else:
        log = where
    r = once(log, tmp_path / "cp.json", timeout=20)
    assert r.returncode == 2 and r.stdout == ""
    kind = "a FIFO (named pipe)" if where == "fifo" else "a character device"
    assert r.stderr.startswith("logcodes: error:") and f"is {kind}, not a regular file" in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.splitlines()) == 1


def test_fifos_beside_the_log_and_in_its_place_at_a_rotation(tmp_path):
    """A FIFO named like a rotated file sits beside the log; at a rotation a FIFO takes the log's place for
    a while. Nothing blocks, the FIFO is reported, every line is counted once, and SIGTERM (then SIGINT on
    a second run) stops the watcher within a second with its checkpoint saved."""
    log, cp = tmp_path / "access.log", tmp_path / "cp.json"
    os.mkfifo(tmp_path / "access.log.2")
    a, ta = make_lines(0, 300)
    b, tb = make_lines(300, 200)
    c, tc = make_lines(500, 250)
    log.write_bytes(a)
    w = Watcher(log, "--jsonl", "--interval", "0.05s", "--checkpoint", cp, "--format", "combined")
    assert w.wait_for(ta) == ta
    append(log, b)
    os.rename(log, tmp_path / "access.log.1")
    os.mkfifo(log)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not any("FIFO" in p for p in w.totals()[1]):
        time.sleep(0.02)
    assert w.wait_for(ta + tb) == ta + tb
    status, took = w.stop(signal.SIGTERM)
    assert status == 0 and took < 1.0, (status, took, w.proc.stderr.read())
    got, problems = w.totals()
    assert [p for p in problems if "FIFO" in p] == [f"{log}: is a FIFO (named pipe), not a regular file: only "
                                                    f"regular files are followed (read a pipe with '-'); looking "
                                                    f"again every window (at byte 0)"]
    # The FIFO goes, a regular file comes back: a second run resumes from the checkpoint.
    os.unlink(log)
    log.write_bytes(c)
    w = Watcher(log, "--jsonl", "--interval", "0.05s", "--checkpoint", cp, "--format", "combined")
    assert w.wait_for(tc) == tc
    status, took = w.stop(signal.SIGINT)
    assert status == 0 and took < 1.0
    assert json.loads(cp.read_text())["files"][-1]["offset"] == len(c)
    assert got + w.totals()[0] == ta + tb + tc


def test_a_fifo_put_in_place_between_the_check_and_the_open_cannot_block(tmp_path, monkeypatch):
    """The race: stat says regular file, then a FIFO is there. O_NONBLOCK opens it at once and the check
    on the descriptor refuses it."""
    from logcodes import _tail
    fifo = tmp_path / "access.log"
    os.mkfifo(fifo)
    regular = os.stat(__file__)

    class StatSaysRegular:
        def __getattr__(self, name):
            return getattr(os, name)

        @staticmethod
        def stat(path):
            return regular

    monkeypatch.setattr(_tail, "os", StatSaysRegular())
    t0 = time.monotonic()
    with pytest.raises(_tail.NotARegularFileError, match="FIFO"):
        _tail.open_regular(str(fifo))
    assert time.monotonic() - t0 < 1.0


# -- 2. checkpoints that cannot be written ---------------------------------------------------------------

@contextlib.contextmanager
def small_tmpfs(path, size="256k"):
    """A real small tmpfs at `path` (root and mount rights needed, else the test is skipped)."""
    path.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.decode().strip()}); the monkeypatched tests cover it")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(directory):
    """Fills the file system of `directory`; returns the filler's path."""
    filler = directory / "filler"
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError as e:
            assert e.errno == errno.ENOSPC
    return filler


def test_full_file_system_stops_before_emitting_and_nothing_repeats(tmp_path):
    log = tmp_path / "access.log"
    state = small_tmpfs(tmp_path / "state")
    with state as d:
        cp = d / "cp.json"
        a, ta = make_lines(0, 300)
        b, tb = make_lines(300, 200)
        log.write_bytes(a)
        first = once(log, cp)
        assert first.returncode == 0, first.stderr
        append(log, b)
        filler = fill(d)
        emitted = first.stdout
        for _ in range(3):        # each restart while the disk is full: refused, nothing printed
            r = once(log, cp)
            assert r.returncode == 2 and r.stdout == ""
            assert r.stderr == f"logcodes: error: cannot write the checkpoint {cp}: No space left on device " \
                               f"(creating a file in {d})\n" or \
                   r.stderr == f"logcodes: error: cannot write the checkpoint {cp}: No space left on device\n", r.stderr
        os.unlink(filler)
        last = once(log, cp)
        assert last.returncode == 0, last.stderr
        emitted += last.stdout
        assert totals_of(emitted)[0] == ta + tb


def test_read_only_checkpoint_directory(tmp_path):
    log = tmp_path / "access.log"
    with small_tmpfs(tmp_path / "state") as d:
        cp = d / "cp.json"
        a, ta = make_lines(0, 250)
        b, tb = make_lines(250, 150)
        log.write_bytes(a)
        first = once(log, cp)
        assert first.returncode == 0, first.stderr
        append(log, b)
        subprocess.run(["mount", "-o", "remount,ro", str(d)], check=True)
        for _ in range(2):
            r = once(log, cp)
            assert r.returncode == 2 and r.stdout == "", r
            assert "Read-only file system" in r.stderr and str(cp) in r.stderr and len(r.stderr.splitlines()) == 1
        subprocess.run(["mount", "-o", "remount,rw", str(d)], check=True)
        last = once(log, cp)
        assert totals_of(first.stdout + last.stdout)[0] == ta + tb


def test_missing_checkpoint_directory(tmp_path):
    log = tmp_path / "access.log"
    a, ta = make_lines(0, 100)
    log.write_bytes(a)
    r = once(log, tmp_path / "no" / "such" / "cp.json")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == (f"logcodes: error: cannot use the checkpoint {tmp_path / 'no' / 'such' / 'cp.json'}: No such "
                        f"file or directory (creating its lock file {tmp_path / 'no' / 'such' / 'cp.json'}.lock)\n")


@pytest.mark.parametrize("fault", ["write", "fsync", "replace"])
def test_checkpoint_write_failing_between_runs(tmp_path, monkeypatch, fault):
    """ENOSPC from os.write, os.fsync or os.replace (the same failures as a full disk, on any machine):
    each run is refused before it prints; after the fault the rest is counted once."""
    log, cp = tmp_path / "access.log", tmp_path / "cp.json"
    a, ta = make_lines(0, 300)
    b, tb = make_lines(300, 120)
    log.write_bytes(a)
    status, out1 = watch_once_in_process(log, cp)
    assert status == 0 and totals_of(out1)[0] == ta
    append(log, b)

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_checkpoint.os, fault, no_space)
    for _ in range(2):
        status, out = watch_once_in_process(log, cp)
        assert isinstance(status, logcodes.CheckpointError) and out == ""
        assert str(status) == f"cannot write the checkpoint {cp}: No space left on device"
    monkeypatch.undo()
    status, out2 = watch_once_in_process(log, cp)
    assert status == 0
    assert totals_of(out1)[0] + totals_of(out2)[0] == ta + tb
    assert not [f for f in os.listdir(tmp_path) if f.startswith(".logcodes-checkpoint-")]   # no temp files left


def test_checkpoint_directory_gone_while_running(tmp_path):
    """The checkpoint's directory is moved away under a running watcher: it stops before the window it
    cannot cover; with the directory back, a restart counts the rest once."""
    log, state = tmp_path / "access.log", tmp_path / "state"
    state.mkdir()
    cp = state / "cp.json"
    a, ta = make_lines(0, 200)
    b, tb = make_lines(200, 100)
    log.write_bytes(a)
    w = Watcher(log, "--jsonl", "--interval", "0.05s", "--checkpoint", cp, "--format", "combined")
    assert w.wait_for(ta) == ta
    os.rename(state, tmp_path / "away")
    append(log, b)
    assert w.proc.wait(20) == 2
    w.thread.join(10)
    err = w.proc.stderr.read()
    assert err.startswith(f"logcodes: error: cannot write the checkpoint {cp}: No such file or directory"), err
    assert w.totals()[0] == ta
    os.rename(tmp_path / "away", state)
    r = once(log, cp)
    assert r.returncode == 0 and w.totals()[0] + totals_of(r.stdout)[0] == ta + tb


def test_checkpoint_failing_in_a_running_watcher_stops_it_before_the_window(tmp_path):
    """A running watcher whose checkpoint directory fills up stops with the message and prints no window
    the checkpoint does not cover; restarted, it counts the rest once."""
    log = tmp_path / "access.log"
    with small_tmpfs(tmp_path / "state") as d:
        cp = d / "cp.json"
        a, ta = make_lines(0, 200)
        b, tb = make_lines(200, 300)
        log.write_bytes(a)
        w = Watcher(log, "--jsonl", "--interval", "0.05s", "--checkpoint", cp, "--format", "combined")
        assert w.wait_for(ta) == ta
        filler = fill(d)
        append(log, b)
        assert w.proc.wait(20) == 2
        w.thread.join(10)
        err = w.proc.stderr.read()
        assert err.startswith(f"logcodes: error: cannot write the checkpoint {cp}: No space left on device"), err
        assert w.totals()[0] == ta           # the window holding b was not printed
        os.unlink(filler)
        r = once(log, cp)
        assert w.totals()[0] + totals_of(r.stdout)[0] == ta + tb


# -- 3. recounts and phantom records ----------------------------------------------------------------------

def test_device_change_resumes_from_the_offset(tmp_path):
    """After a remount (or a reboot on some file systems) the device number differs: same inode and
    content, so the watcher continues from its offset and says nothing is missing."""
    log, cp = tmp_path / "access.log", tmp_path / "cp.json"
    a, ta = make_lines(0, 1000)
    b, tb = make_lines(1000, 500)
    log.write_bytes(a)
    first = once(log, cp)
    append(log, b)
    doc = json.loads(cp.read_text())
    doc["files"][0]["dev"] += 1
    cp.write_text(json.dumps(doc))
    second = once(log, cp)
    got2, problems = totals_of(second.stdout)
    assert got2 == tb and problems == []
    assert totals_of(first.stdout)[0] + got2 == ta + tb


def test_siblings_named_like_the_log_are_not_rotated_generations(tmp_path):
    log, cp = tmp_path / "access.log", tmp_path / "cp.json"
    a, ta = make_lines(0, 400)
    b, tb = make_lines(400, 100)
    c, tc = make_lines(500, 150)
    log.write_bytes(a)
    first = once(log, cp)
    # While stopped: others write siblings with the log's name in front, and the log is rotated (dateext).
    (tmp_path / "access.log.bak").write_bytes(make_lines(5000, 400, "bak")[0])
    (tmp_path / "access.log.json").write_bytes(make_lines(6000, 300, "json")[0])
    (tmp_path / "access.log.1.tmp").write_bytes(make_lines(7000, 50, "tmp")[0])
    append(log, b)
    os.rename(log, tmp_path / "access.log-20261124")
    log.write_bytes(c)
    second = once(log, cp)
    got, problems = totals_of(first.stdout + second.stdout)
    assert problems == [] and got == ta + tb + tc


@pytest.mark.parametrize("name,rotated", [
    ("access.log.1", True), ("access.log.0", True), ("access.log.12.gz", True), ("access.log.3.zst", True),
    ("access.log-20240131", True), ("access.log-20240131.gz", True), ("access.log-2024013115", True),
    ("access.log-20240131-235959.zst", True), ("access.log-1706745600", True), ("access.log-2024-01-31", True),
    ("access.log.bak", False), ("access.log.json", False), ("access.log.1.tmp", False), ("access.log", False),
    ("access.log.old", False), ("access.log-backup", False), ("access.log.1.bz2", False), ("access.logs", False),
    ("access.log.gz", False), ("access.log-2024", False), ("xaccess.log.1", False),
])
def test_rotation_name_rule(name, rotated):
    assert is_rotated_name(name, "access.log") is rotated


def test_a_second_watcher_on_the_same_checkpoint_is_refused(tmp_path):
    log, cp = tmp_path / "access.log", tmp_path / "cp.json"
    a, ta = make_lines(0, 1000)
    b, tb = make_lines(1000, 1000)
    log.write_bytes(a)
    w = Watcher(log, "--jsonl", "--interval", "0.05s", "--checkpoint", cp, "--format", "combined")
    assert w.wait_for(ta) == ta
    second = once(log, cp)
    assert second.returncode == 2 and second.stdout == ""
    assert f"the checkpoint {cp} is in use by another follower (process {w.proc.pid})" in second.stderr
    append(log, b)
    assert w.wait_for(ta + tb) == ta + tb
    assert w.stop()[0] == 0
    third = once(log, cp)        # the lock went with the first watcher
    assert third.returncode == 0 and totals_of(third.stdout)[0] == collections.Counter()


def test_checkpoint_entries_for_other_paths_are_never_opened(tmp_path, monkeypatch):
    log, cp = tmp_path / "access.log", tmp_path / "cp.json"
    other = tmp_path / "other.log"
    a, ta = make_lines(0, 200)
    o, _ = make_lines(900, 50)
    log.write_bytes(a)
    other.write_bytes(o)
    st = os.stat(other)
    foreign = [{"path": p, "dev": st.st_dev, "ino": st.st_ino, "fingerprint": "0" * 64, "length": 10, "offset": 5,
                "format": "combined", "retired": False} for p in (str(other), "/etc/passwd")]
    cp.write_text(json.dumps({"version": 2, "files": foreign, "seen": []}))
    opened = []
    real_open = os.open

    def spy(path, *args, **kwargs):
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    status, out = watch_once_in_process(log, cp)
    monkeypatch.undo()
    got, problems = totals_of(out)
    assert status == 0 and got == ta
    assert str(other) not in opened and "/etc/passwd" not in opened
    assert sorted(p.split(":")[0] for p in problems) == sorted(["/etc/passwd", str(other)])
    assert all("not among the paths followed: ignored and dropped from it" in p for p in problems)
    assert [e["path"] for e in json.loads(cp.read_text())["files"]] == [str(log)]


def test_glob_entries_in_the_checkpoint_are_kept(tmp_path):
    """An entry for a file the glob matches is ours (also when the file was rotated away meanwhile)."""
    cp = tmp_path / "cp.json"
    a, ta = make_lines(0, 60)
    b, tb = make_lines(60, 40)
    (tmp_path / "x.log").write_bytes(a)
    with logcodes.follow(str(tmp_path / "*.log"), interval=0.01, format="combined", by="code",
                         checkpoint=cp) as windows:
        got = collections.Counter(next(windows).counts("code"))
    append(tmp_path / "x.log", b)
    with logcodes.follow(str(tmp_path / "*.log"), interval=0.01, format="combined", by="code",
                         checkpoint=cp) as windows:
        w = next(windows)
        got.update(w.counts("code"))
        assert w.problems == []
    assert got == ta + tb


def copytruncate_same_beginning(log, header, old_body, new_body):
    """Copy-truncate, then the writer writes the same beginning again and more than before."""
    shutil.copyfile(log, str(log) + ".1")
    with open(log, "r+b") as f:
        f.truncate(0)
    append(log, header + new_body)


def test_copytruncate_rewritten_with_the_same_beginning_while_running(tmp_path):
    log = tmp_path / "access.log"
    header, th = make_lines(0, 1, "same-" * 300)      # the first KiB and more: identical in both files
    old, to = make_lines(10, 100)
    more, tm = make_lines(110, 30)                   # appended just before the copy, never read live
    new, tn = make_lines(200, 150)                   # longer than the old file: only its content tells
    assert len(header) > 1024 and len(new) > len(old) + len(more)
    log.write_bytes(header + old)
    got = collections.Counter()
    with logcodes.follow(log, interval=0.01, format="combined", by="code") as windows:
        got.update(next(windows).counts("code"))
        append(log, more)
        copytruncate_same_beginning(log, header, old, new)
        for _ in range(3):
            w = next(windows)
            got.update(w.counts("code"))
            assert w.problems == []
    assert got == th + to + tm + th + tn


def test_copytruncate_rewritten_with_the_same_beginning_while_stopped(tmp_path):
    log, cp = tmp_path / "access.log", tmp_path / "cp.json"
    header, th = make_lines(0, 1, "same-" * 300)
    old, to = make_lines(10, 100)
    more, tm = make_lines(110, 30)
    new, tn = make_lines(200, 150)
    log.write_bytes(header + old)
    first = once(log, cp)
    append(log, more)
    copytruncate_same_beginning(log, header, old, new)
    second = once(log, cp)
    got, problems = totals_of(first.stdout + second.stdout)
    assert problems == [] and got == th + to + tm + th + tn


# -- 4. damaged checkpoints and bad arguments -------------------------------------------------------------

GOOD_ENTRY = {"path": "", "dev": 1, "ino": 2, "fingerprint": "a" * 64, "length": 10, "offset": 10, "format": "",
              "retired": False}


def entry(**changes):
    e = dict(GOOD_ENTRY)
    e.update(changes)
    return e


@pytest.mark.parametrize("doc,message", [
    ('{"version": 2, "files": [{"path": "x", "dev": 1', "not JSON"),
    ('', "not JSON"),
    ('[1, 2]', "is not a logcodes follow checkpoint"),
    ('{"version": 99, "files": []}', "is not a logcodes follow checkpoint"),
    ({"files": [entry(offset="12")]}, 'files[0].offset is "12", not a whole number'),
    ({"files": [entry(offset=-5)]}, "files[0].offset is -5, not a whole number"),
    ({"files": [entry(offset=2 ** 70)]}, "files[0].offset is 1180591620717411303424, not a whole number"),
    ({"files": [entry(offset=1.5)]}, "files[0].offset is 1.5"),
    ({"files": [entry(offset=True)]}, "files[0].offset is true"),
    ({"files": [entry(ino=None)]}, "files[0].ino is null"),
    ({"files": [entry(path=7)]}, "files[0].path is 7, not a string"),
    ({"files": [entry(retired="no")]}, 'files[0].retired is "no", not true or false'),
    ({"files": [entry(fingerprint="xyz")]}, "files[0].fingerprint is \"xyz\", not a SHA-256"),
    ({"files": [entry(extra=1)]}, "unknown key 'extra'"),
    ({"files": [{"path": "x"}]}, "no 'dev'"),
    ({"files": ["x"]}, 'files[0] is "x", not an object'),
    ({"files": [], "seen": [[1]]}, "seen[0] is [1], not [length, sha256]"),
    ({"files": [], "seen": 5}, "'seen' is 5, not a list"),
    ({"files": [], "polled_at": "yesterday"}, 'polled_at is "yesterday"'),
])
def test_damaged_checkpoint_is_one_clear_line(tmp_path, doc, message):
    log, cp = tmp_path / "access.log", tmp_path / "cp.json"
    log.write_bytes(make_lines(0, 10)[0])
    if isinstance(doc, dict):
        for e in doc["files"]:
            if isinstance(e, dict) and e.get("path") == "":
                e["path"] = str(log)
        doc = json.dumps({"version": 2, **doc})
    cp.write_text(doc)
    r = once(log, cp)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("logcodes: error:") and str(cp) in r.stderr and message in r.stderr, r.stderr
    assert len(r.stderr.splitlines()) == 1


def test_offset_past_the_end_of_the_same_file_is_a_documented_reset(tmp_path):
    """An offset beyond the end of the same file (truncated while stopped, or a damaged value): the file is
    read again from its start, with a problem saying so."""
    log, cp = tmp_path / "access.log", tmp_path / "cp.json"
    a, ta = make_lines(0, 80)
    log.write_bytes(a)
    once(log, cp)
    doc = json.loads(cp.read_text())
    doc["files"][0].update(offset=10 ** 9, tail_fingerprint="", tail_length=0)
    cp.write_text(json.dumps(doc))
    r = once(log, cp)
    got, problems = totals_of(r.stdout)
    assert r.returncode == 0 and got == ta
    assert len(problems) == 1 and "is shorter than the checkpoint's offset" in problems[0]


def test_version_1_checkpoint_is_still_read(tmp_path):
    log, cp = tmp_path / "access.log", tmp_path / "cp.json"
    a, ta = make_lines(0, 50)
    b, tb = make_lines(50, 20)
    log.write_bytes(a)
    first = once(log, cp)
    doc = json.loads(cp.read_text())
    for e in doc["files"]:
        del e["tail_fingerprint"], e["tail_length"]
    cp.write_text(json.dumps({**doc, "version": 1}))
    append(log, b)
    second = once(log, cp)
    assert totals_of(first.stdout + second.stdout)[0] == ta + tb


@pytest.mark.parametrize("args,message", [
    (["--interval", "0s"], "interval must be positive"),
    (["--interval", "soon"], "is not a duration"),
    (["--max-series", "0"], "max_series"),
    (["--prometheus", "nowhere"], "HOST:PORT"),
    (["--format", "no_such_format"], "no_such_format"),
    (["--checkpoint", "{dir}"], "must name a file, not a directory"),
    (["--checkpoint", ""], "must name a file"),
    (["--checkpoint", "/dev/null"], "must be a regular file"),
    (["--prometheus", "256.1.1.1:9464"], "cannot serve metrics on 256.1.1.1:9464"),
])
def test_bad_arguments_are_one_line(tmp_path, args, message):
    log = tmp_path / "access.log"
    log.write_bytes(make_lines(0, 5)[0])
    args = [a.replace("{dir}", str(tmp_path)) for a in args]
    r = subprocess.run(watch_cmd(log, "--once", *args), capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("logcodes: error:") and message in r.stderr, r.stderr
    assert len(r.stderr.splitlines()) == 1


# -- rotated files compressed with zstd or gzip: decoded by the core -------------------------------------

def compress(path, how):
    if how == "zst":
        if shutil.which("zstd") is None:
            pytest.skip("the zstd command is not installed (make test installs it)")
        subprocess.run(["zstd", "-q", "--rm", str(path), "-o", f"{path}.zst"], check=True)
    else:
        with open(path, "rb") as src, gzip.open(f"{path}.gz", "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.unlink(path)


@pytest.mark.parametrize("how", ["zst", "gz"])
def test_copytruncate_copy_compressed_while_running(tmp_path, how):
    log = tmp_path / "access.log"
    a, ta = make_lines(0, 90)
    b, tb = make_lines(90, 40)
    c, tc = make_lines(130, 150)
    log.write_bytes(a)
    got = collections.Counter()
    with logcodes.follow(log, interval=0.01, format="combined", by="code") as windows:
        got.update(next(windows).counts("code"))
        append(log, b)
        shutil.copyfile(log, tmp_path / "access.log.1")
        with open(log, "r+b") as f:
            f.truncate(0)
        compress(tmp_path / "access.log.1", how)
        append(log, c)
        for _ in range(3):
            w = next(windows)
            got.update(w.counts("code"))
            assert w.problems == []
    assert got == ta + tb + tc


@pytest.mark.parametrize("how", ["zst", "gz"])
@pytest.mark.parametrize("rotation", ["rename", "copytruncate"])
def test_rotated_and_compressed_while_stopped(tmp_path, how, rotation):
    log, cp = tmp_path / "access.log", tmp_path / "cp.json"
    a, ta = make_lines(0, 90)
    b, tb = make_lines(90, 40)
    c, tc = make_lines(130, 60)
    log.write_bytes(a)
    first = once(log, cp)
    append(log, b)
    rotated = tmp_path / "access.log-20261124"
    if rotation == "rename":
        os.rename(log, rotated)
    else:
        shutil.copyfile(log, rotated)
        with open(log, "r+b") as f:
            f.truncate(0)
    compress(rotated, how)
    append(log, c)
    second = once(log, cp)
    got, problems = totals_of(first.stdout + second.stdout)
    assert problems == [] and got == ta + tb + tc


def test_unseen_zst_generation_is_read_whole(tmp_path):
    """Rotated twice while stopped: the generation never followed is a `.zst` now; it is read whole."""
    log, cp = tmp_path / "access.log", tmp_path / "cp.json"
    a, ta = make_lines(0, 40)
    g, tg = make_lines(40, 70)
    c, tc = make_lines(110, 30)
    log.write_bytes(a)
    first = once(log, cp)
    os.rename(log, tmp_path / "access.log.1")
    log.write_bytes(g)
    os.rename(log, tmp_path / "access.log.2")
    compress(tmp_path / "access.log.2", "zst")
    log.write_bytes(c)
    second = once(log, cp)
    got, problems = totals_of(first.stdout + second.stdout)
    assert problems == [] and got == ta + tg + tc
