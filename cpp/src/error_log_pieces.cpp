#include "logcodes/error_log_pieces.hpp"

#include <algorithm>
#include <new>
#include <optional>

#include "logcodes/formats/error_logs.hpp"
#include "logcodes/formats/format.hpp"
#include "logcodes/processor.hpp"
#include "logcodes/scanner.hpp"

namespace logcodes {

struct ErrorLogPieces::File {
    FileReport report;
    InputInfo info;
    OpenFile ranges_file;        // open while its pieces are read (files cut into pieces only)
    std::uint64_t lines_added = 0;
};

struct ErrorLogPieces::Piece {
    std::uint32_t file = 0;
    std::uint64_t begin = 0, end = UINT64_MAX;  // its range: events whose header lies in [begin, end)
    bool whole = true;                          // the whole input, read through open_input()
    bool read = false;
    ScanStats stats;
    Error error;
    std::optional<EventPiece> events;
};

ErrorLogPieces::ErrorLogPieces(const ScanOptions& o) : options_(o) {
    store_ = std::make_shared<EventStore>(o.rules.get(), o.window_ms, PathMap(o.path_map), o.explain);
    store_->set_max_events(o.max_events);
    files_.resize(o.error_paths.size());
    for (std::uint32_t i = 0; i < files_.size(); ++i) {
        File& f = files_[i];
        f.report.path = o.error_paths[i];
        f.report.format = "error_log";
        f.report.detection = "given";
        f.report.error = probe_input(f.report.path, f.info);
        if (f.report.error) continue;
        f.report.compression = f.info.compression;
        f.report.size = f.info.size;
        // Cut as the access logs are (plan()): a few ranges per thread, none smaller than a few blocks.
        const std::uint64_t min_range = o.min_range ? o.min_range : 4 * o.block_size;
        const std::uint64_t range =
            std::max(min_range, f.info.size / (static_cast<std::uint64_t>(o.threads) * 4) + 1);
        const bool pieceable = f.info.is_regular && f.info.compression == Compression::none && !f.info.capture;
        bool split = o.threads > 1 && pieceable && f.info.size > 2 * range;
        if (split) {
            f.ranges_file = open_file(f.info, f.report.error);
            if (f.report.error) continue;
        }
        if (!split) {
            Piece& p = pieces_.emplace_back();
            p.file = i;
            continue;
        }
        for (std::uint64_t b = 0; b < f.info.size; b += range) {
            Piece& p = pieces_.emplace_back();
            p.file = i;
            p.begin = b;
            p.whole = false;
            p.end = b + range >= f.info.size ? UINT64_MAX : b + range;  // the last one reads to the real end
        }
    }
    if (pieces_.empty()) {  // nothing to read (every error log missing): no event explains anything
        store_->finish();
        ready_.store(store_.get(), std::memory_order_release);
    }
}

ErrorLogPieces::~ErrorLogPieces() = default;

std::size_t ErrorLogPieces::pieces() const noexcept { return pieces_.size(); }

bool ErrorLogPieces::read_next(LineFramer& framer, const std::atomic<bool>& cancel) {
    const std::size_t i = next_.fetch_add(1, std::memory_order_relaxed);
    if (i >= pieces_.size()) return false;
    Piece& p = pieces_[i];
    try {
        p.events.emplace(store_->reader());
        read(p, framer, cancel);
    } catch (const std::bad_alloc&) {
        // What was read is kept; the file's report says why the rest is missing.
        p.error.kind = ErrorKind::io;
        p.error.path = files_[p.file].report.path;
        p.error.message = "out of memory";
    }
    add_ready(i);
    return true;
}

void ErrorLogPieces::read(Piece& p, LineFramer& framer, const std::atomic<bool>& cancel) {
    File& f = files_[p.file];
    std::unique_ptr<Source> src;
    const std::uint64_t stream_start = p.begin == 0 ? 0 : p.begin - 1;
    if (p.whole) {
        src = open_input(f.info, p.error);
    } else {
        src = open_file_range(f.ranges_file, f.info.path, stream_start, UINT64_MAX);
    }
    if (!src) return;
    Aggregator unused(GroupSpec{});
    // File indexes of error logs follow the access logs' (samples name them).
    const auto index = static_cast<std::uint32_t>(options_.paths.size() + p.file);
    RecordProcessor proc(find_format("error_log"), unused, p.stats, index, f.report.path, options_.max_samples);
    proc.set_events(&*p.events);
    std::uint64_t line_no = 0;
    // From byte begin - 1: the first line read is the end of the one before the range (or empty) and is skipped.
    bool skip_first = p.begin > 0;
    bool started = p.begin == 0;
    auto on_line = [&](const LineEvent& ev) {
        if (skip_first) {
            skip_first = false;
            return true;
        }
        const bool header = !ev.overlong && (started ? ev.offset >= p.end : true) && error_log_event_start(ev.text);
        if (!started) {
            if (ev.offset >= p.end) return false;  // no event begins in this range: the piece before reads on
            if (!header) return true;              // the end of an event of the piece before
            started = true;
        } else if (header) {
            return false;                          // the first event of the next piece
        }
        proc.on_line(ev, ++line_no);
        return true;
    };
    framer.reset(stream_start);
    for (;;) {
        if (cancel.load(std::memory_order_relaxed)) break;
        auto area = framer.writable();
        const std::size_t n = src->read(area.data(), area.size());
        if (n == 0) {
            if (!src->error()) framer.finish(on_line);
            break;
        }
        if (!framer.commit(n, on_line)) break;
    }
    proc.finish();
    if (src->error()) p.error = src->error();
}

void ErrorLogPieces::add_ready(std::size_t done) {
    std::lock_guard lock(mu_);
    pieces_[done].read = true;
    for (; added_ < pieces_.size() && pieces_[added_].read; ++added_) {
        Piece& p = pieces_[added_];
        File& f = files_[p.file];
        if (p.events) store_->add(std::move(*p.events), f.lines_added);
        p.events.reset();
        f.lines_added += p.stats.lines;
        f.report.lines += p.stats.lines;
        f.report.records += p.stats.events;
        events_ += p.stats.events;
        if (p.error && !f.report.error) f.report.error = p.error;
    }
    if (added_ == pieces_.size() && !ready()) {
        store_->finish();
        ready_.store(store_.get(), std::memory_order_release);
    }
}

std::shared_ptr<EventStore> ErrorLogPieces::finish(std::vector<FileReport>& reports, ScanStats& stats) {
    std::lock_guard lock(mu_);
    for (File& f : files_) reports.push_back(std::move(f.report));
    stats.events += events_;
    if (!ready()) store_->finish();  // cancelled before every piece was read
    ready_.store(nullptr, std::memory_order_relaxed);
    return std::move(store_);
}

}  // namespace logcodes
