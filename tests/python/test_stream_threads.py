"""A Stream shared by threads: feeding in several threads while another takes windows neither crashes nor
loses or doubles a line (the reproduction: a feed in one thread and take() in another crashed every time)."""

import threading

import logcodes

LINE = b'10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.0" %d 5\n'


def test_feeders_and_a_taker():
    st = logcodes.Stream(format="common", by="code")
    feeders, per_feeder = 8, 3000
    done = threading.Event()
    windows = []

    def feed(i):
        line = LINE % (200 + i)
        for _ in range(per_feeder):
            st.feed(line)

    def take():
        while not done.is_set():
            windows.append(st.take())
            st.committed

    threads = [threading.Thread(target=feed, args=(i,)) for i in range(feeders)]
    taker = threading.Thread(target=take)
    taker.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    taker.join()
    windows.append(st.close())
    total = windows[0]
    for w in windows[1:]:
        total = total + w
    assert total.counts("code") == {200 + i: per_feeder for i in range(feeders)}
    assert total.unparsed == 0 and total.invalid == 0


def test_summary_while_feeding():
    st = logcodes.Stream(format="common", by="code")
    stop = threading.Event()
    seen = []

    def look():
        while not stop.is_set():
            seen.append(st.summary().total)

    t = threading.Thread(target=look)
    t.start()
    for _ in range(5000):
        st.feed(LINE % 200)
    stop.set()
    t.join()
    assert st.close().counts("code") == {200: 5000}
    assert seen == sorted(seen)   # a running total never goes back
