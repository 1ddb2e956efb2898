"""follow(): windows of appended records, rotations of both kinds, files appearing later, checkpoints."""

import collections
import gzip
import json
import os
import shutil

import pytest

import logcodes
from logcodes.follow import parse_interval

CODES = [200, 200, 200, 404, 500, 302, 503, 200, 499, 301]


def lines(start, n):
    """`n` combined-log lines numbered from `start` (distinct first bytes), and their codes."""
    out, codes = [], collections.Counter()
    for i in range(start, start + n):
        code = CODES[i % len(CODES)]
        out.append(f'10.1.{i % 200}.{i % 250} - - [24/Nov/2026:10:{i % 60:02d}:{i % 60:02d} +0000] '
                   f'"GET /item/{i} HTTP/1.1" {code} {i % 5000} "-" "test/{i}"\n')
        codes[code] += 1
    return "".join(out).encode(), codes


def append(path, data):
    with open(path, "ab") as f:
        f.write(data)


def drain(windows, n=3):
    """The counts by code of the next `n` windows, summed."""
    total = collections.Counter()
    for _ in range(n):
        total.update(next(windows).counts("code"))
    return total


def follower(paths, **kw):
    kw.setdefault("interval", 0.05)
    kw.setdefault("format", "combined")
    return logcodes.follow(paths, by="code", **kw)


def test_windows_hold_only_their_new_records(tmp_path):
    log = tmp_path / "access.log"
    a, ca = lines(0, 50)
    log.write_bytes(a)
    with follower(log) as windows:
        assert next(windows).counts("code") == dict(ca)
        assert next(windows).total == 0
        b, cb = lines(50, 30)
        append(log, b)
        assert next(windows).counts("code") == dict(cb)


def test_partial_line_waits_for_its_newline(tmp_path):
    log = tmp_path / "access.log"
    a, _ = lines(0, 1)
    log.write_bytes(a[:-20])
    with follower(log) as windows:
        assert next(windows).total == 0
        assert next(windows).total == 0
        append(log, a[-20:])
        assert next(windows).counts("code") == {200: 1}


def test_rename_and_create_finishes_the_old_file(tmp_path):
    log = tmp_path / "access.log"
    a, ca = lines(0, 40)
    b, cb = lines(40, 25)    # appended to the old file after the last read, before the rename
    c, cc = lines(65, 10)
    log.write_bytes(a)
    with follower(log) as windows:
        got = drain(windows, 1)
        append(log, b[:-1])   # the old file's last line is even unterminated: it still counts at its end
        os.rename(log, tmp_path / "access.log.1")
        log.write_bytes(c)
        got += drain(windows, 4)
    assert got == ca + cb + cc


def test_rotated_file_compressed_before_it_was_finished(tmp_path):
    log = tmp_path / "access.log"
    a, ca = lines(0, 40)
    b, cb = lines(40, 25)
    c, cc = lines(65, 10)
    log.write_bytes(a)
    with follower(log) as windows:
        got = drain(windows, 1)
        append(log, b)
        os.rename(log, tmp_path / "access.log.1")
        with open(tmp_path / "access.log.1", "rb") as src, gzip.open(tmp_path / "access.log.1.gz", "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.unlink(tmp_path / "access.log.1")
        log.write_bytes(c)
        got += drain(windows, 4)
    assert got == ca + cb + cc


@pytest.mark.parametrize("compress", [False, True])
def test_copy_truncate_takes_the_unread_rest_from_the_copy(tmp_path, compress):
    log = tmp_path / "access.log"
    a, ca = lines(0, 40)
    b, cb = lines(40, 25)
    c, cc = lines(65, 60)      # longer than the old file: only the first bytes tell it was truncated
    log.write_bytes(a)
    with follower(log) as windows:
        got = drain(windows, 1)
        append(log, b)
        if compress:
            with open(log, "rb") as src, gzip.open(tmp_path / "access.log.1.gz", "wb") as dst:
                shutil.copyfileobj(src, dst)
        else:
            shutil.copyfile(log, tmp_path / "access.log.1")
        with open(log, "r+b") as f:
            f.truncate(0)
        append(log, c)
        got += drain(windows, 3)
    assert got == ca + cb + cc


def test_files_appearing_later_match_the_glob(tmp_path):
    a, ca = lines(0, 20)
    b, cb = lines(20, 30)
    (tmp_path / "a.log").write_bytes(a)
    with follower(str(tmp_path / "*.log")) as windows:
        got = drain(windows, 1)
        (tmp_path / "b.log").write_bytes(b)
        got += drain(windows, 2)
        assert set(windows.sources) == {str(tmp_path / "a.log"), str(tmp_path / "b.log")}
    assert got == ca + cb


def test_missing_file_is_waited_for(tmp_path):
    log = tmp_path / "later.log"
    a, ca = lines(0, 20)
    with follower(log) as windows:
        assert next(windows).total == 0
        log.write_bytes(a)
        assert drain(windows, 2) == ca


def test_from_start_false_skips_what_was_there(tmp_path):
    log = tmp_path / "access.log"
    a, _ = lines(0, 20)
    b, cb = lines(20, 5)
    log.write_bytes(a)
    with follower(log, from_start=False) as windows:
        assert next(windows).total == 0
        append(log, b)
        assert drain(windows, 2) == cb


def test_checkpoint_resumes_exactly(tmp_path):
    log, cp = tmp_path / "access.log", tmp_path / "cp.json"
    a, ca = lines(0, 40)
    b, cb = lines(40, 30)
    log.write_bytes(a + b[:100])        # a cut line at the end: not committed
    with follower(log, checkpoint=cp) as windows:
        got = drain(windows, 2)
    state = json.loads(cp.read_text())
    assert state["files"][0]["offset"] == len(a) + b[:100].rindex(b"\n") + 1
    append(log, b[100:])
    with follower(log, checkpoint=cp) as windows:
        got += drain(windows, 2)
    assert got == ca + cb


def test_checkpoint_saved_only_after_the_window_was_consumed(tmp_path):
    log, cp = tmp_path / "access.log", tmp_path / "cp.json"
    a, ca = lines(0, 10)
    log.write_bytes(a)
    windows = follower(log, checkpoint=cp)
    assert next(windows).counts("code") == dict(ca)
    # Written at the start (to know it can be), but not with this window: the consumer may still fail.
    assert json.loads(cp.read_text())["files"] == []
    next(windows)
    assert json.loads(cp.read_text())["files"][0]["offset"] == len(a)
    windows.close()


def test_checkpoint_saved_before_the_window_with_commit_before(tmp_path):
    log, cp = tmp_path / "access.log", tmp_path / "cp.json"
    a, ca = lines(0, 10)
    log.write_bytes(a)
    with follower(log, checkpoint=cp, commit="before") as windows:
        assert next(windows).counts("code") == dict(ca)
        assert json.loads(cp.read_text())["files"][0]["offset"] == len(a)
    with pytest.raises(ValueError, match="commit"):
        follower(log, commit="sometimes")


@pytest.mark.parametrize("rotation", ["rename", "rename_gzip", "copytruncate", "copytruncate_gzip"])
def test_rotation_while_stopped(tmp_path, rotation):
    log, cp = tmp_path / "access.log", tmp_path / "cp.json"
    a, ca = lines(0, 40)
    b, cb = lines(40, 25)
    c, cc = lines(65, 70)
    log.write_bytes(a)
    with follower(log, checkpoint=cp) as windows:
        got = drain(windows, 1)
    append(log, b)
    rotated = tmp_path / "access.log.1"
    if rotation.startswith("rename"):
        os.rename(log, rotated)
    else:
        shutil.copyfile(log, rotated)
        with open(log, "r+b") as f:
            f.truncate(0)
    if rotation.endswith("gzip"):
        with open(rotated, "rb") as src, gzip.open(str(rotated) + ".gz", "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.unlink(rotated)
    append(log, c)
    with follower(log, checkpoint=cp) as windows:
        got += drain(windows, 3)
        assert windows.problems == []
    assert got == ca + cb + cc


def test_rotated_copy_gone_while_stopped_is_reported(tmp_path):
    log, cp = tmp_path / "access.log", tmp_path / "cp.json"
    a, _ = lines(0, 40)
    b, _ = lines(40, 25)
    c, cc = lines(65, 70)
    log.write_bytes(a)
    with follower(log, checkpoint=cp) as windows:
        drain(windows, 1)
    append(log, b)
    os.unlink(log)
    log.write_bytes(c)
    with follower(log, checkpoint=cp) as windows:
        first = next(windows)
        assert first.problems and first.problems[0].path == str(log)
        assert first.counts("code") == dict(cc)


SIP = (b"SIP/2.0 %d Reason\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK%d\nCall-ID: c%d@h\nCSeq: %d INVITE\n"
       b"Content-Length: %d\n\n%s")


def test_multi_line_records_across_windows_and_restarts(tmp_path):
    log, cp = tmp_path / "trace.log", tmp_path / "cp.json"
    msgs, truth = [], collections.Counter()
    for i in range(60):
        code = [100, 180, 200, 486, 503][i % 5]
        body = b"v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\n" if i % 3 == 0 else b""
        msgs.append(SIP % (code, i, i, i, len(body), body))
        truth[code] += 1
    data = b"".join(msgs)
    got = collections.Counter()
    # Pieces cut inside messages; a restart after each third piece.
    cuts = list(range(0, len(data), 333)) + [len(data)]
    windows = logcodes.follow(log, interval=0.02, format="sip_trace", by="code", count="messages", checkpoint=cp)
    for k, (lo, hi) in enumerate(zip(cuts, cuts[1:])):
        append(log, data[lo:hi])
        got.update(next(windows).counts("code"))
        if k % 3 == 2:
            next(windows)        # consumed: its checkpoint is saved
            windows.close()
            windows = logcodes.follow(log, interval=0.02, format="sip_trace", by="code", count="messages",
                                      checkpoint=cp)
    os.rename(log, str(log) + ".1")   # the last message ends at the end of its file: rotation finishes it
    got.update(drain(windows, 3))
    windows.close()
    assert got == truth


def test_sip_trace_real_file_in_pieces(tmp_path, data):
    src = (data / "lab_sipp" / "uac_messages.log").read_bytes()
    want = logcodes.scan(data / "lab_sipp" / "uac_messages.log", by="code", format="sip_trace")
    log = tmp_path / "trace.log"
    got = collections.Counter()
    with logcodes.follow(log, interval=0.02, format="sip_trace", by="code") as windows:
        for lo in range(0, len(src), 4000):
            append(log, src[lo:lo + 4000])
            got.update(next(windows).counts("code"))
        os.rename(log, str(log) + ".1")
        got.update(drain(windows, 3))
    assert got == collections.Counter(want.counts("code"))


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="checkpoint cannot be used with '-'"):
        logcodes.follow("-", checkpoint=tmp_path / "cp.json")
    with pytest.raises(ValueError, match="cannot be followed together"):
        logcodes.follow(["-", str(tmp_path / "a.log")])
    with pytest.raises(ValueError, match="interval"):
        logcodes.follow(tmp_path / "a.log", interval="soon")
    with pytest.raises(ValueError, match="count"):
        logcodes.follow(tmp_path / "a.log", count="dialogs")
    with pytest.raises(logcodes.FormatError):
        logcodes.follow(tmp_path / "a.log", format="no_such_format")
    with pytest.raises(TypeError):
        logcodes.follow(42)  # type: ignore[arg-type]
    (tmp_path / "d").mkdir()
    with pytest.raises(IsADirectoryError):
        next(logcodes.follow(tmp_path / "d", interval=0.01))


def test_damaged_checkpoint_is_named(tmp_path):
    cp = tmp_path / "cp.json"
    cp.write_text("{not json")
    with pytest.raises(logcodes.CheckpointError, match="cp.json"):
        next(logcodes.follow(tmp_path / "a.log", checkpoint=cp, interval=0.01))
    cp.write_text('{"version": 1, "files": [{"path": 1}]}')
    with pytest.raises(logcodes.CheckpointError, match="malformed"):
        next(logcodes.follow(tmp_path / "a.log", checkpoint=cp, interval=0.01))


def test_stop_yields_one_last_window(tmp_path):
    log = tmp_path / "access.log"
    a, ca = lines(0, 10)
    log.write_bytes(a)
    windows = logcodes.follow(log, interval=30, format="combined", by="code")
    windows.stop()                       # no 30 s wait: the window ends now
    assert [w.counts("code") for w in windows] == [dict(ca)]
    assert "windows=1" in repr(windows)


def test_parse_interval():
    assert parse_interval("10s") == 10.0
    assert parse_interval("250ms") == 0.25
    assert parse_interval(3) == 3.0
    for bad in ["0s", "-1s", "10 parsecs", ""]:
        with pytest.raises(ValueError):
            parse_interval(bad)


@pytest.mark.parametrize("second", ["rename", "copytruncate"])
def test_rotated_twice_while_stopped(tmp_path, second):
    """A whole generation came and went while the follower was stopped: it is found and read whole, and the
    rotated files that were there before following began are not."""
    log, cp = tmp_path / "access.log", tmp_path / "cp.json"
    old, _ = lines(1000, 30)
    (tmp_path / "access.log.9.gz").write_bytes(gzip.compress(old))   # an old generation, before following
    a, ca = lines(0, 40)
    b, cb = lines(40, 25)
    g, cg = lines(65, 50)      # the generation never seen
    c, cc = lines(115, 20)
    log.write_bytes(a)
    with follower(log, checkpoint=cp) as windows:
        got = drain(windows, 1)
    append(log, b)
    os.rename(log, tmp_path / "access.log.1")
    log.write_bytes(g)
    if second == "rename":
        os.rename(log, tmp_path / "access.log.2")
    else:
        shutil.copyfile(log, tmp_path / "access.log.2")
        with open(log, "r+b") as f:
            f.truncate(0)
    with open(tmp_path / "access.log.2", "rb") as src, gzip.open(tmp_path / "access.log.2.gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    os.unlink(tmp_path / "access.log.2")
    os.utime(tmp_path / "access.log.9.gz")    # touched again (compression of an old file): still known
    append(log, c)
    with follower(log, checkpoint=cp) as windows:
        got += drain(windows, 3)
    assert got == ca + cb + cg + cc


def test_unreadable_file_appearing_later_is_reported(tmp_path, monkeypatch):
    from logcodes._tail import TailedFile
    real_open = TailedFile.open.__func__
    locked = {str(tmp_path / "locked.log")}

    def open_or_deny(cls, path, *args):
        if path in locked:     # as root nothing is unreadable: the denial is simulated
            raise PermissionError(13, "Permission denied", path)
        return real_open(cls, path, *args)

    monkeypatch.setattr(TailedFile, "open", classmethod(open_or_deny))
    a, ca = lines(0, 10)
    with follower(str(tmp_path / "*.log")) as windows:
        next(windows)
        (tmp_path / "locked.log").write_bytes(a)
        w = next(windows)
        assert len(w.problems) == 1 and "cannot be read (Permission denied)" in w.problems[0].message
        assert next(windows).problems == []      # reported once
        locked.clear()
        assert drain(windows, 2) == ca
