// Shared by the fuzz targets: invariant checks that abort (so libFuzzer reports them as findings), an
// in-memory Source and file, and one routine that runs bytes through a format exactly as a scan does.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fuzzer/FuzzedDataProvider.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "logcodes/aggregator.hpp"
#include "logcodes/correlate.hpp"
#include "logcodes/formats/builtin.hpp"
#include "logcodes/formats/format.hpp"
#include "logcodes/framer.hpp"
#include "logcodes/processor.hpp"
#include "logcodes/record.hpp"
#include "logcodes/source.hpp"
#include "logcodes/stats.hpp"

// A broken invariant is a finding like a crash: say which one, then trap.
#define FUZZ_CHECK(cond)                                                                          \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            std::fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);    \
            __builtin_trap();                                                                     \
        }                                                                                         \
    } while (0)

namespace logcodes::fuzz {

// Bytes from memory through the Source interface, handed out in reads no longer than `chunk`.
class MemorySource final : public Source {
public:
    explicit MemorySource(std::string bytes, std::size_t chunk = 1 << 16)
        : bytes_(std::move(bytes)), chunk_(chunk == 0 ? 1 : chunk) {}
    std::size_t read(char* dst, std::size_t cap) override {
        const std::size_t n = std::min({cap, chunk_, bytes_.size() - pos_});
        std::memcpy(dst, bytes_.data() + pos_, n);
        pos_ += n;
        return n;
    }
    std::uint64_t raw_position() const noexcept override { return pos_; }

private:
    std::string bytes_;
    std::size_t chunk_;
    std::size_t pos_ = 0;
};

// `text` as one gzip member at `level`, compressed in memory.
inline std::string gzip_member(std::string_view text, int level) {
    z_stream zs{};
    FUZZ_CHECK(deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&zs, static_cast<uLong>(text.size())) + 32, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    zs.avail_in = static_cast<uInt>(text.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    FUZZ_CHECK(deflate(&zs, Z_FINISH) == Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

// Bytes as a file that probe_input/open_input read like any other (an anonymous in-memory file).
class MemFile {
public:
    explicit MemFile(std::string_view bytes) : fd_(::memfd_create("logcodes-fuzz", MFD_CLOEXEC)) {
        FUZZ_CHECK(fd_ >= 0);
        std::size_t done = 0;
        while (done < bytes.size()) {
            const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
            FUZZ_CHECK(n > 0);
            done += static_cast<std::size_t>(n);
        }
    }
    ~MemFile() { ::close(fd_); }
    MemFile(const MemFile&) = delete;
    MemFile& operator=(const MemFile&) = delete;
    std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

private:
    int fd_;
};

// Reads every byte of a view: a view into freed or foreign memory is then reported by ASan.
inline std::uint64_t touch(std::string_view s) {
    std::uint64_t h = s.size();
    for (unsigned char c : s) h = h * 131 + c;
    return h;
}

inline std::uint64_t touch(const Record& r) {
    std::uint64_t h = 0;
    for (std::string_view v : {r.status, r.reason, r.method, r.target, r.path_only, r.query_only, r.time, r.time2,
                               r.host, r.client, r.bytes, r.duration, r.upstream_status, r.outcome, r.cause,
                               r.cause_detail, r.cause_source, r.event_text, r.level, r.request_id, r.upstream,
                               r.detail, r.sip.call_id, r.sip.cseq_method, r.sip.branch, r.sip.from_tag,
                               r.sip.to_tag, r.sip.reason_header, r.sip.warning, r.sip.agent, r.path()})
        h += touch(v);
    FUZZ_CHECK(r.extra_count <= Record::kMaxExtras);
    for (std::uint8_t i = 0; i < r.extra_count; ++i) h += touch(r.extras[i].value);
    return h;
}

// The groups of an aggregator as a sorted list of (readable key, count): two aggregators hold the same counts
// exactly when these lists are equal.
inline std::vector<std::pair<std::string, std::uint64_t>> rows(const Aggregator& agg) {
    std::vector<std::pair<std::string, std::uint64_t>> out;
    agg.for_each([&](std::span<const KeyValue> key, std::uint64_t n) {
        std::string k;
        for (const auto& v : key) {
            k += v.is_text ? "t:" + std::string(v.text) : "n:" + std::to_string(v.number);
            k += '\x1f';
        }
        out.emplace_back(std::move(k), n);
    });
    std::sort(out.begin(), out.end());
    return out;
}

// What every scan must satisfy whatever its input: each record is counted, unparsed or invalid exactly once,
// and samples stay bounded.
inline void check_stats(const ScanStats& s, const Aggregator& agg, CountLevel level) {
    if (level != CountLevel::calls) {
        FUZZ_CHECK(s.total == s.unparsed + s.invalid + s.retransmissions + agg.counted());
        FUZZ_CHECK(s.call_responses == 0);
    } else {
        // SIP responses are read into calls (counted once each at the end); other records count as they come.
        FUZZ_CHECK(agg.counted() >= s.calls);
        FUZZ_CHECK(s.total == s.unparsed + s.invalid + s.call_responses + (agg.counted() - s.calls));
    }
    FUZZ_CHECK(s.unparsed + s.invalid <= s.total);
    FUZZ_CHECK(s.unregistered <= s.total + s.calls);
    for (const auto* samples : {&s.unparsed_samples, &s.invalid_samples, &s.inconsistent_samples, &s.unexplained_samples}) {
        FUZZ_CHECK(samples->size() <= kDefaultMaxSamples);
        for (const auto& smp : *samples) FUZZ_CHECK(smp.text.size() <= kSampleTextBytes);
    }
    FUZZ_CHECK(s.unparsed_samples.size() <= s.unparsed);
    FUZZ_CHECK(s.invalid_samples.size() <= s.invalid);
}

// A built-in format named at the front of the input (seeds say which), else picked by a byte: every
// format in the registry is reachable either way.
inline const BuiltinFormat& pick_format(FuzzedDataProvider& fdp) {
    const auto formats = all_builtin_formats();
    const std::string name = fdp.ConsumeRandomLengthString(32);
    const std::uint8_t byte = fdp.ConsumeIntegral<std::uint8_t>();
    for (const auto& b : formats)
        if (b.name == name) return b;
    return formats[byte % formats.size()];
}

struct ScanOutcome {
    ScanStats stats;
    std::vector<std::pair<std::string, std::uint64_t>> rows;
    std::size_t events = 0;
};

// Frames `bytes` in blocks of `block` bytes (lines longer than `max_record` are cut) and runs every line
// through `format` as a file scan does (RecordProcessor), checking the counting invariants. Then reads the
// same lines with a bare parser and touches every field of every record it returns.
// `take_ahead`: as the Scanner reads whole inputs, letting the parser take a record's lines ahead of the
// framer (RecordProcessor::on_line_ahead); otherwise line by line, as streams do.
inline ScanOutcome scan_bytes(const Format* format, std::string_view bytes, std::size_t block, std::size_t max_record,
                              CountLevel level = CountLevel::transactions, bool take_ahead = false) {
    ScanOutcome out;
    Aggregator agg(GroupSpec{{Dim::protocol, Dim::code, Dim::method, Dim::host, Dim::path, Dim::time, Dim::cause}});
    EventStore events(nullptr);
    {
        RecordProcessor proc(format, agg, out.stats, 0, "<fuzz>", kDefaultMaxSamples, level);
        proc.set_events(&events);
        LineFramer framer(block, max_record);
        std::uint64_t line_no = 0, next_offset = 0;
        auto on_line = [&](const LineEvent& ev) {
            FUZZ_CHECK(ev.offset == next_offset);
            FUZZ_CHECK(ev.offset + ev.text.size() <= bytes.size());
            FUZZ_CHECK(std::memcmp(ev.text.data(), bytes.data() + ev.offset, ev.text.size()) == 0);
            const std::size_t nl = bytes.find('\n', ev.offset);
            next_offset = nl == std::string_view::npos ? bytes.size() : nl + 1;
            proc.on_line(ev, ++line_no);
            return true;
        };
        auto on_line_ahead = [&](const LineEvent& ev) {
            FUZZ_CHECK(ev.offset == next_offset);
            const std::size_t nl = bytes.find('\n', ev.offset);
            next_offset = nl == std::string_view::npos ? bytes.size() : nl + 1;
            FUZZ_CHECK(ev.ahead.empty() || ev.ahead.data() + ev.ahead.size() <= ev.text.data() + (bytes.size() - ev.offset));
            const Parser::Taken t = proc.on_line_ahead(ev, ++line_no);
            if (t.bytes != 0) {
                // Whole lines, ending right after a '\n', and as many as said.
                FUZZ_CHECK(t.bytes <= ev.ahead.size() && ev.ahead[t.bytes - 1] == '\n');
                FUZZ_CHECK(static_cast<std::size_t>(std::count(ev.ahead.begin(), ev.ahead.begin() + static_cast<std::ptrdiff_t>(t.bytes), '\n')) == t.lines);
                next_offset += t.bytes;
            } else {
                FUZZ_CHECK(t.lines == 0);
            }
            line_no += t.lines;
            return LineSkip{true, t.bytes};
        };
        if (take_ahead) {
            framer.feed(bytes, on_line_ahead);
            framer.finish(on_line_ahead);
        } else {
            framer.feed(bytes, on_line);
            framer.finish(on_line);
        }
        proc.finish();
        if (level == CountLevel::calls) count_calls(proc.calls(), agg, out.stats, {"<fuzz>"});
        FUZZ_CHECK(out.stats.lines == line_no);
    }
    // Notices no rule names are not kept, and one request's lines are one event: never more than were read.
    FUZZ_CHECK(events.size() <= out.stats.events);
    events.finish();
    out.events = events.size();
    check_stats(out.stats, agg, level);
    out.rows = rows(agg);

    if (format) {
        auto parser = format->make_parser();
        Record r;
        LineFramer framer(block, max_record);
        volatile std::uint64_t sink = 0;
        auto on_line = [&](const LineEvent& ev) {
            if (ev.overlong) return true;
            if (parser->parse(ev.text, r) == ParseResult::record) sink = sink + touch(r);
            return true;
        };
        framer.feed(bytes, on_line);
        framer.finish(on_line);
        r.clear();
        if (parser->flush(r)) sink = sink + touch(r);
    }
    return out;
}

}  // namespace logcodes::fuzz
