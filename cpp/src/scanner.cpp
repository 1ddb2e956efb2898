#include "logcodes/scanner.hpp"

#include <algorithm>
#include <new>

#include <unistd.h>

#include "logcodes/error_log_pieces.hpp"
#include "logcodes/formats/detect_sample.hpp"
#include "logcodes/formats/envelope.hpp"
#include "logcodes/formats/format.hpp"
#include "logcodes/framer.hpp"
#include "logcodes/piece_context.hpp"
#include "logcodes/processor.hpp"
#include "logcodes/read_ahead.hpp"

namespace logcodes {

struct Scanner::FileState {
    InputInfo info;
    FileReport report;
    const Format* format = nullptr;
    bool format_known = false;       // decided before the tasks run (given, or detected up front)
    bool given = false;              // named by the caller: never detected again part-way
    OpenFile ranges_file;            // open while its ranges are read (split files only)
    bool framed = false;             // PieceRule::messages: pieces begin at framing lines (Format::framed)
    std::string head_directive;      // PieceRule::directives: the last one in the file's head (a piece's guess)
    TransactionFilter replay;        // PieceRule::messages: the pieces' logs replayed so far, in order
};

struct Scanner::Task {
    std::uint32_t file = 0;
    std::uint64_t begin = 0;
    std::uint64_t end = UINT64_MAX;  // a range [begin, end); whole input when begin == 0 and end == max
    bool whole = true;
    ScanStats stats;                 // this task's lines and samples (line numbers local to the task)
    Error error;
    const Format* detected = nullptr;
    std::string detection;
    double confidence = -1;
    bool detection_done = false;
    std::vector<FormatChange> changes;  // format changes part-way (line numbers local to the task)
    std::uint64_t packets = 0, skipped_packets = 0, evictions = 0;
    std::vector<PendingError> pending;  // errors waiting for their error-log event (with errors=)
    // PieceRule::directives: the directive the piece starts from (empty: none, the format's default) — found
    // just before it, or else guessed (the file head's) and checked once the pieces before are read.
    std::string directive, directive_after;  // ... and the one in force at its end
    bool directive_known = false, directive_guessed = false;
    // PieceRule::messages: each piece is counted apart, so that the scan can check where the pieces met and
    // read one again (see join_message_pieces).
    std::unique_ptr<Aggregator> counts;
    std::unique_ptr<CallTable> calls;
    std::vector<TransactionLogEntry> transactions;  // count level "transactions": this piece's answers
    std::unique_ptr<TransactionFilter> seed;        // read again knowing the transactions of the pieces before
    bool replayed = false, judged_otherwise = false;  // its log went through the file's filter: same answers?
    bool met_next = true;                           // the next piece begins where this reader agrees it may
};

struct Scanner::Worker {
    explicit Worker(const ScanOptions& o)
        : counts(o.group), events(o.event_group, o.rules.get()), framer(o.block_size, o.max_record) {}
    Aggregator counts;
    EventCounter events;
    LineFramer framer;
    std::string head;
    CallTable calls;
};

Scanner::Scanner(ScanOptions options) : options_(std::move(options)), result_(std::make_unique<ScanResult>(options_.group, options_.event_group, options_.rules.get())) {
    if (options_.threads == 0) options_.threads = std::max(1u, std::thread::hardware_concurrency());
}

Scanner::~Scanner() {
    cancel();
    if (runner_.joinable()) runner_.join();
}

void Scanner::start() {
    if (started_) return;
    started_ = true;
    runner_ = std::thread([this] { run(); });
}

bool Scanner::wait_for(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [this] { return done_; });
}

void Scanner::wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return done_; });
}

ScanResult Scanner::take_result() {
    wait();
    if (runner_.joinable()) runner_.join();
    ScanResult r = std::move(*result_);
    return r;
}

ScanResult Scanner::run_blocking(ScanOptions options) {
    Scanner s(std::move(options));
    s.start();
    return s.take_result();
}

void Scanner::plan() {
    files_.resize(options_.paths.size());
    const Format* given = options_.format.get();
    std::uint64_t total = 0;
    for (std::uint32_t i = 0; i < files_.size(); ++i) {
        FileState& f = files_[i];
        f.report.path = options_.paths[i];
        f.report.error = probe_input(options_.paths[i], f.info);
        if (f.report.error) continue;
        f.report.compression = f.info.compression;
        f.report.size = f.info.size;
        total += f.info.size;
        if (given) {
            f.format = given;
            f.format_known = true;
            f.given = true;
            f.report.format = format_label(given);
            f.report.wrapper = wrapper_label(given);
            f.report.detection = "given";
        }

        const std::uint64_t min_range = options_.min_range ? options_.min_range : 4 * options_.block_size;
        const std::uint64_t per_thread = f.info.size / (static_cast<std::uint64_t>(options_.threads) * 4) + 1;
        const std::uint64_t range = std::max(min_range, per_thread);
        const bool pieceable = f.info.is_regular && f.info.compression == Compression::none && !f.info.capture;
        bool split = options_.threads > 1 && pieceable && f.info.size > 2 * range;
        if (options_.byte_range && pieceable) split = true;  // a piece of the file, cut where the caller said
        if (split && !f.format_known) {
            // Every range needs the format before it starts: detect it from the file's head now.
            Detection d;
            f.report.error = detect_input(f.info, d);
            if (f.report.error) continue;
            f.format = d.format;
            f.format_known = true;
            f.report.format = format_label(d.format);
            f.report.wrapper = wrapper_label(d.format);
            f.report.detection = d.explanation;
            f.report.confidence = d.confidence;
        }
        // A format whose lines depend on earlier lines is cut only where its rule allows (a W3C piece reads the
        // #Fields before it first); a distributed piece (byte_range) cannot look before itself: read in one piece.
        const Format::PieceRule rule = f.format ? f.format->piece_rule() : Format::PieceRule::lines;
        if (split && (rule == Format::PieceRule::whole || (options_.byte_range && rule != Format::PieceRule::lines)))
            split = false;
        if (options_.byte_range && !split && options_.byte_range->first > 0) {
            // Not cut into pieces (compressed, a capture, a stateful format): the piece at 0 reads it all.
            continue;
        }
        // SIP messages: cut at message starts, checked after (join_message_pieces); an error of a piece waiting for
        // the error logs' events is claimed in task order, which a piece read again would break.
        if (split && rule == Format::PieceRule::messages && error_logs_) split = false;
        if (split && rule == Format::PieceRule::messages) {
            std::string head;
            f.report.error = read_head(f.info, kDetectBytes, head);
            if (f.report.error) continue;
            f.framed = f.format->framed(head);
        }
        if (split) {
            f.ranges_file = open_file(f.info, f.report.error);
            if (f.report.error) continue;
        }
        if (split && rule == Format::PieceRule::directives) {
            const std::uint64_t head = std::min<std::uint64_t>(f.info.size, kDetectBytes);
            DirectiveSearch d = last_directive(f.ranges_file, f.report.path, 0, head, *f.format, options_.max_record);
            f.report.error = d.error;
            if (f.report.error) continue;
            f.head_directive = std::move(d.line);
        }
        if (!split) {
            Task t;
            t.file = i;
            tasks_.push_back(std::move(t));
            continue;
        }
        const std::uint64_t first = options_.byte_range ? std::min(options_.byte_range->first, f.info.size) : 0;
        const std::uint64_t last = options_.byte_range ? std::min(options_.byte_range->second, f.info.size) : f.info.size;
        // On several threads the pieces shrink as the file goes on, each a share of what is left (guided
        // scheduling): large ones first keep the pieces few, small ones last leave no thread alone for long
        // on the final piece while the others wait (equal pieces left a quarter of the last one's time idle).
        std::uint64_t step = range;
        for (std::uint64_t b = first; b < last || (b == first && first == 0 && last == 0); b += step) {
            if (options_.threads > 1 && b < last)
                step = std::max(min_range, (last - b) / (2 * static_cast<std::uint64_t>(options_.threads)) + 1);
            Task t;
            t.file = i;
            t.begin = b;
            t.whole = false;
            // The range reaching the file's end runs to its real end (the file may still grow).
            t.end = b + step >= last ? (last >= f.info.size ? UINT64_MAX : last) : b + step;
            if (rule == Format::PieceRule::messages) own_counts(t);
            tasks_.push_back(std::move(t));
            if (last == 0) break;
        }
    }
    bytes_total_.store(total, std::memory_order_relaxed);
}

// A plain file that ends before the size it had when the scan began was cut short under us (copytruncate
// rotation, a rewrite): what was read is counted, and the cut is reported rather than passed over.
void Scanner::report_shrink(const FileState& f, Task& t, std::uint64_t end_read) {
    if (!f.info.is_regular || f.info.compression != Compression::none || f.info.capture) return;
    if (end_read >= std::min(t.end, f.info.size)) return;
    t.error.kind = ErrorKind::truncated;
    t.error.path = f.info.path;
    t.error.offset = end_read;
    t.error.message = "the file shrank during the scan: it ends at byte " + std::to_string(end_read) + " but had " +
                      std::to_string(f.info.size) + " bytes when the scan began";
}

namespace {

// The bytes of an open file from just after the last '\n' before `end` up to `end` (at most `max` of them):
// the head of the line that a range starting at end + 1 skips as the previous range's.
std::string line_head_before(const OpenFile& file, std::uint64_t end, std::size_t max) {
    std::string head;
    char buf[4096];
    std::uint64_t pos = end;
    while (pos > 0 && head.size() < max) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(sizeof buf, pos));
        const std::int64_t got = file.read_at(pos - n, buf, n);
        if (got != static_cast<std::int64_t>(n)) break;
        pos -= n;
        const std::string_view chunk(buf, n);
        const std::size_t nl = chunk.rfind('\n');
        if (nl != std::string_view::npos) {
            head.insert(0, chunk.substr(nl + 1));
            break;
        }
        head.insert(0, chunk);
    }
    return head;
}

// Whether the envelope line `line` is cut and goes on in the next line (CRI "P", Docker without '\n').
bool cut_line(const Envelope& envelope, std::string_view line) {
    std::string padded(line), scratch;
    padded.append(kLinePadding, '\0');
    Peeled p;
    return envelope.peel(std::string_view(padded.data(), line.size()), p, scratch) && p.partial;
}

}  // namespace

void Scanner::run_task(Worker& w, Task& t) {
    FileState& f = files_[t.file];
    LineFramer& framer = w.framer;
    const Format* format = f.format;
    if (!t.whole && t.begin > 0 && !t.directive_known && format &&
        format->piece_rule() == Format::PieceRule::directives)
        find_directive(t);

    // A decoded input (compressed, a capture) with cores to spare decodes on them while this one parses: a
    // compressed file takes every spare core (its pieces decode in parallel), a plain capture one.
    const bool compressed = t.whole && f.info.compression != Compression::none && f.info.is_regular;
    int spares = 0;
    if (t.whole && (f.info.compression != Compression::none || f.info.capture)) {
        int spare = spare_threads_.load(std::memory_order_relaxed);
        while (spare > 0 && !spare_threads_.compare_exchange_weak(spare, compressed ? 0 : spare - 1)) {
        }
        spares = compressed ? spare : std::min(spare, 1);
    }
    struct GiveBack {
        std::atomic<int>& spare;
        int taken;
        ~GiveBack() {
            if (taken > 0) spare.fetch_add(taken);
        }
    } give_back{spare_threads_, spares};
    std::unique_ptr<Source> src;
    if (t.whole) {
        const std::uint64_t piece = options_.min_range ? options_.min_range : options_.block_size;
        src = open_input(f.info, t.error, ParallelDecoding{static_cast<unsigned>(spares) + 1, options_.block_size, piece});
    } else {
        src = open_file_range(f.ranges_file, f.info.path, t.begin == 0 ? 0 : t.begin - 1, UINT64_MAX, t.end);
    }
    if (!src) return;
    if (spares > 0 && !compressed) src = std::make_unique<ReadAheadSource>(std::move(src), options_.block_size);

    std::uint64_t last_raw = src->raw_position();
    auto account = [&] {
        const std::uint64_t raw = src->raw_position();
        if (!t.seed && !rereading_) bytes_done_.fetch_add(raw - last_raw, std::memory_order_relaxed);  // once
        last_raw = raw;
    };

    if (!f.format_known) {
        // Whole inputs (compressed, pipes, small files) detect from their own first bytes.
        Detection d = detect_from(*src, w.head);
        format = d.format;
        t.detected = d.format;
        t.detection = d.explanation;
        t.confidence = d.confidence;
        t.detection_done = true;
    }

    Aggregator& counts = t.counts ? *t.counts : w.counts;
    RecordProcessor proc(format, counts, t.stats, t.file, f.report.path, options_.max_samples, options_.count_level);
    if (!t.directive.empty()) proc.prime(t.directive);
    const bool message_pieces = !t.whole && format && format->piece_rule() == Format::PieceRule::messages;
    if (message_pieces && options_.count_level == CountLevel::transactions) {
        if (t.seed) proc.seed_transactions(*t.seed);
        else proc.log_transactions(&t.transactions);
    }
    if (error_logs_) proc.set_explainer(&options_.explain, &t.pending);
    proc.set_filter(options_.filter.get());
    proc.set_event_counter(&w.events);
    // A detected format is watched for a change part-way: not error logs, captures, nor formats that follow
    // their own directives (W3C #Fields).
    const bool watching = !f.given && !f.info.capture && (!format || (!format->events() && format->splittable()));
    proc.watch_format_changes(watching);
    std::uint64_t line_no = 0;
    const std::uint64_t stream_start = t.whole || t.begin == 0 ? 0 : t.begin - 1;
    bool skip_first = stream_start > 0 || (!t.whole && t.begin > 0);
    std::uint64_t first_offset = skip_first ? UINT64_MAX : 0;
    std::uint64_t stop_offset = UINT64_MAX;
    // An envelope that cuts long lines into parts (CRI, Docker): the range that holds a line's first part
    // reads on past its end to the last part, and the next range skips those parts.
    const Envelope* joining = envelope_of(format);
    if (joining && !joining->joins()) joining = nullptr;
    std::string before;  // the head of the line before this range's first line
    if (joining && skip_first) before = line_head_before(f.ranges_file, stream_start, options_.max_record);
    bool continued = false;  // the line before is cut: this one is a part of it
    auto on_line = [&](const LineEvent& ev) {
        if (skip_first) {  // the tail of a line that started in the previous range
            skip_first = false;
            if (joining) continued = cut_line(*joining, before + std::string(ev.text));
            if (watching && !joining && !ev.overlong)
                proc.line_before(line_head_before(f.ranges_file, stream_start, options_.max_record) + std::string(ev.text));
            return true;
        }
        if (continued) [[unlikely]] {
            Peeled p;
            std::string scratch, padded(ev.text);
            padded.append(kLinePadding, '\0');
            // A line that is no envelope at all leaves the cut line open, as the reader of the parts sees it.
            if (joining->peel(std::string_view(padded.data(), ev.text.size()), p, scratch)) continued = p.partial;
            return true;
        }
        if (first_offset == UINT64_MAX) first_offset = ev.offset;
        if (ev.offset >= t.end && !(joining && proc.in_record())) {
            if (stop_offset == UINT64_MAX) stop_offset = ev.offset;
            return proc.look_past_end(ev);  // a run of unread lines open at the end reads on to be decided
        }
        proc.on_line(ev, ++line_no);
        return true;
    };

    // A whole input, or a range that starts at 0 and runs to the end, needs none of the checks above per
    // line: multi-line formats (SIP traces) hand over a dozen short lines per record.
    auto every_line = [&](const LineEvent& ev) {
        const Parser::Taken taken = proc.on_line_ahead(ev, ++line_no);
        line_no += taken.lines;
        return LineSkip{true, taken.bytes};
    };
    std::uint64_t read_total = 0;
    bool at_end = false;
    auto frame = [&](auto& handle_line) {
        framer.reset(stream_start);
        bool go_on = true;
        if (t.detection_done) {
            read_total += w.head.size();
            go_on = framer.feed(w.head, handle_line);
            // A head that had to look past bad first lines is not kept for the worker's next input.
            if (w.head.capacity() > 4 * kDetectBytes) std::string().swap(w.head);
        }
        while (go_on) {
            if (cancel_.load(std::memory_order_relaxed)) break;
            auto area = framer.writable();
            const std::size_t n = src->read(area.data(), area.size());
            account();
            if (n == 0) {
                at_end = true;
                if (!src->error()) framer.finish(handle_line);
                break;
            }
            read_total += n;
            go_on = framer.commit(n, handle_line);
        }
    };
    // Only formats whose records may span lines read ahead; one-line formats keep the plain callback.
    auto every_plain_line = [&](const LineEvent& ev) {
        proc.on_line(ev, ++line_no);
        return true;
    };
    // A piece of SIP messages: it begins at the first message_start() line at or after its range's start and
    // ends before the first one at or after its end, where its reader must agree that a new message begins.
    bool started = t.begin == 0;
    auto message_line = [&](const LineEvent& ev) {
        if (skip_first) {  // the tail of a line that started in the range before
            skip_first = false;
            return LineSkip{true, 0};
        }
        if ((!started || ev.offset >= t.end) && !ev.overlong && format->message_start(ev.text, f.framed)) {
            if (ev.offset >= t.end) {
                if (started) t.met_next = proc.fresh_at(ev.text);
                stop_offset = ev.offset;
                return LineSkip{false, 0};
            }
            started = true;
        }
        if (!started) {
            if (ev.offset < t.end) return LineSkip{true, 0};  // the end of a message of the piece before
            stop_offset = ev.offset;  // no message begins in this range: the piece before reads it
            return LineSkip{false, 0};
        }
        if (first_offset == UINT64_MAX) first_offset = ev.offset;
        // Lines at or past the end are handed over one by one: the next piece's first line must be seen here.
        LineEvent e = ev;
        const std::uint64_t ahead_at = ev.offset + static_cast<std::uint64_t>(ev.ahead.data() - ev.text.data());
        if (ahead_at >= t.end) e.ahead = {};
        else if (t.end - ahead_at < e.ahead.size())
            e.ahead = e.ahead.substr(0, static_cast<std::size_t>(t.end - ahead_at));
        const Parser::Taken taken = proc.on_line_ahead(e, ++line_no);
        line_no += taken.lines;
        return LineSkip{true, taken.bytes};
    };
    if (message_pieces) frame(message_line);
    else if (skip_first || t.end != UINT64_MAX) frame(on_line);
    else if (format && !format->splittable()) frame(every_line);
    else frame(every_plain_line);
    account();
    if (at_end && !src->error()) report_shrink(f, t, src->raw_position());
    t.packets = src->packets();
    t.skipped_packets = src->skipped_packets();
    t.evictions = src->evictions();
    proc.finish(at_end);
    for (const FormatSwitch& sw : proc.format_switches())
        t.changes.push_back({sw.line, sw.offset, std::string(format_label(sw.format)),
                             std::string(wrapper_label(sw.format)), sw.detection});
    t.directive_after.assign(proc.directive_read());
    if (options_.count_level == CountLevel::calls) (t.calls ? *t.calls : w.calls).merge(proc.calls());
    if (src->error()) {
        t.error = src->error();
        if (t.error.path.empty()) t.error.path = f.report.path;  // a read-ahead thread does not know it
    }
    // Decoded bytes this task owns: from its first own line to where it stopped.
    const std::uint64_t end = stop_offset != UINT64_MAX ? stop_offset : stream_start + read_total;
    t.stats.bytes = first_offset != UINT64_MAX && end > first_offset ? end - first_offset : 0;
}

// The directive a piece of a file cut under PieceRule::directives starts from: the last one before it, looked
// for in the last MiB before the piece (within the range of the piece before). Logs that seldom repeat their
// #Fields hold none there: the piece then guesses the one of the file's head, counts apart, and is read again
// when the pieces before end under another (join_pieces).
void Scanner::find_directive(Task& t) {
    constexpr std::uint64_t kLookBack = 1 << 20;
    const auto i = static_cast<std::size_t>(&t - tasks_.data());
    const FileState& f = files_[t.file];
    const std::uint64_t from = std::max(tasks_[i - 1].begin, t.begin > kLookBack ? t.begin - kLookBack : 0);
    DirectiveSearch found = last_directive(f.ranges_file, f.report.path, from, t.begin, *f.format, options_.max_record);
    t.directive_known = true;
    if (found.found) {
        t.directive = std::move(found.line);
        return;
    }
    const bool all_before = from == 0;  // the whole file before it was looked through: there is none
    if (found.error || all_before) {
        if (found.error) t.error = found.error;
        return;
    }
    own_counts(t);
    t.directive = f.head_directive;
    t.directive_guessed = true;
}

void Scanner::own_counts(Task& t) const {
    t.counts = std::make_unique<Aggregator>(options_.group);
    t.calls = std::make_unique<CallTable>();
    t.stats = ScanStats{};
    t.error = Error{};
}

// The pieces of a SIP trace were read at once, each from a message start with a new reader. Where the reader of
// the piece before did not agree that a message began there (a start line inside a message/sipfrag body, a
// framing line read as a header), the trace is read again in one piece. Otherwise, with count level
// "transactions", the pieces' answers are replayed through one filter in order: a piece that counted a
// response the pieces before had seen (a retransmission across the cut), or the other way round, is read
// again knowing their transactions. Either way the result is that of one reader.
void Scanner::join_pieces(Worker& w) {
    rereading_ = true;  // progress counts each byte once
    for (std::size_t i = 0; i < tasks_.size();) {
        std::size_t j = i + 1;
        while (j < tasks_.size() && tasks_[j].file == tasks_[i].file && !tasks_[j].whole) ++j;
        const Format* format = files_[tasks_[i].file].format;
        const auto rule = tasks_[i].whole || !format ? Format::PieceRule::whole : format->piece_rule();
        if (cancel_.load(std::memory_order_relaxed)) return;  // what was read is the answer
        if (rule == Format::PieceRule::directives) join_directive_pieces(w, i, j);
        if (rule == Format::PieceRule::messages) join_message_pieces(w, i, j);
        i = j;
    }
}

// A piece that guessed its directive is read again when the pieces before it end under another.
void Scanner::join_directive_pieces(Worker& w, std::size_t i, std::size_t j) {
    std::string in_force;
    for (std::size_t k = i; k < j; ++k) {
        Task& t = tasks_[k];
        if (t.directive_guessed && t.directive != in_force) {
            own_counts(t);
            t.directive = in_force;
            t.directive_guessed = false;
            run_task(w, t);
        }
        in_force = t.directive_after;
    }
}

// The transaction logs of the message pieces that finished, replayed in task order through their file's filter
// while the other pieces are still read (one thread at a time; the others go on reading).
void Scanner::replay_finished() {
    for (;;) {
        std::unique_lock lock(replay_mu_, std::try_to_lock);
        if (!lock) return;  // another thread replays; it looks for finished tasks before it stops
        std::size_t k = replayed_.load(std::memory_order_relaxed);
        for (; k < tasks_.size() && finished_[k].load(std::memory_order_acquire); ++k) {
            Task& t = tasks_[k];
            if (t.whole || t.replayed) continue;
            const Format* format = files_[t.file].format;
            if (!format || format->piece_rule() != Format::PieceRule::messages) continue;
            TransactionFilter& one = files_[t.file].replay;
            bool same = true;
            for (const TransactionLogEntry& e : t.transactions) {
                const bool first = one.first(e.key_counted & ~TransactionLogEntry::kCounted, e.time);
                if (e.code != 0) {  // left to the replay
                    if (!first) {
                        ++t.stats.retransmissions;
                    } else {
                        t.counts->add_code(Protocol::sip, e.code);
                        if (e.unregistered) ++t.stats.unregistered;
                    }
                    continue;
                }
                same = first == ((e.key_counted & TransactionLogEntry::kCounted) != 0) && same;
            }
            t.judged_otherwise = !same;
            t.replayed = true;
            // A piece that left its answers to the replay is done with its log; the others keep theirs until the
            // join, to rebuild the filter for a piece read again.
            if (!t.transactions.empty() && t.transactions.front().code != 0)
                std::vector<TransactionLogEntry>().swap(t.transactions);
        }
        replayed_.store(k, std::memory_order_relaxed);
        lock.unlock();
        // A task that finished after this thread looked and before it let go would wait for the end: look again.
        if (k >= tasks_.size() || !finished_[k].load(std::memory_order_acquire)) return;
    }
}

void Scanner::join_message_pieces(Worker& w, std::size_t i, std::size_t j) {
    bool met = true;
    for (std::size_t k = i; k + 1 < j; ++k) met = met && tasks_[k].met_next;
    if (!met) {
        for (std::size_t k = i; k < j; ++k) {
            own_counts(tasks_[k]);
            tasks_[k].transactions.clear();
            tasks_[k].transactions.shrink_to_fit();
        }
        tasks_[i].begin = 0;
        tasks_[i].end = UINT64_MAX;
        const std::uint64_t last = files_[tasks_[i].file].info.size;
        for (std::size_t k = i + 1; k < j; ++k) tasks_[k].begin = tasks_[k].end = last;  // read nothing
        tasks_[i].seed = std::make_unique<TransactionFilter>();  // one reader: it judges by itself
        run_task(w, tasks_[i]);
        tasks_[i].seed.reset();
    } else if (options_.count_level == CountLevel::transactions) {
        for (std::size_t k = i; k < j; ++k) {
            if (!tasks_[k].judged_otherwise) continue;
            // The filter as the pieces before left it: their responses again, in order.
            auto seed = std::make_unique<TransactionFilter>();
            for (std::size_t m = i; m < k; ++m)
                for (const TransactionLogEntry& e : tasks_[m].transactions)
                    seed->first(e.key_counted & ~TransactionLogEntry::kCounted, e.time);
            own_counts(tasks_[k]);
            tasks_[k].seed = std::move(seed);
            run_task(w, tasks_[k]);
            tasks_[k].seed.reset();
        }
    }
    for (std::size_t k = i; k < j; ++k) {
        tasks_[k].transactions.clear();
        tasks_[k].transactions.shrink_to_fit();
    }
}

void Scanner::work(Worker& w) {
    // The error logs first: the access logs' errors wait for their events until every piece is read.
    if (error_logs_)
        while (!cancel_.load(std::memory_order_relaxed) && error_logs_->read_next(w.framer, cancel_)) {
        }
    for (;;) {
        if (cancel_.load(std::memory_order_relaxed)) return;
        const std::size_t i = next_task_.fetch_add(1, std::memory_order_relaxed);
        if (i >= tasks_.size()) return;
        try {
            run_task(w, tasks_[i]);
        } catch (const std::bad_alloc&) {
            tasks_[i].error.kind = ErrorKind::io;
            tasks_[i].error.path = files_[tasks_[i].file].report.path;
            tasks_[i].error.message = "out of memory";
        }
        finished_[i].store(true, std::memory_order_release);
        if (error_logs_) claim_finished(i);
        if (options_.count_level == CountLevel::transactions) replay_finished();
    }
}

// Errors waiting for their error-log event claim it one task at a time, in task order (input order), so
// the answers do not depend on threads; while other tasks still run when the error logs are all read.
void Scanner::claim_finished(std::size_t i) {
    finished_[i].store(true, std::memory_order_release);
    for (;;) {
        EventStore* store = error_logs_->ready();
        if (!store) return;
        std::unique_lock lock(claims_mu_, std::try_to_lock);
        if (!lock) return;  // another thread claims; it looks for finished tasks before it stops
        claim_in_order(*store);
        lock.unlock();
        // A task that finished after the claimer looked and before it let go would wait for the end: look again.
        const std::size_t next = claimed_.load(std::memory_order_relaxed);
        if (next >= tasks_.size() || !finished_[next].load(std::memory_order_acquire)) return;
    }
}

void Scanner::claim_in_order(EventStore& store) {
    for (std::size_t k = claimed_.load(std::memory_order_relaxed);
         k < tasks_.size() && finished_[k].load(std::memory_order_acquire); k = claimed_.load(std::memory_order_relaxed)) {
        Task& t = tasks_[k];
        explain_pending(store, t.pending, result_->counts, t.stats, t.file, files_[t.file].report.path,
                        options_.max_samples);
        claimed_.store(k + 1, std::memory_order_relaxed);
    }
}

void Scanner::run() noexcept {
    try {
        if (!options_.error_paths.empty()) error_logs_ = std::make_unique<ErrorLogPieces>(options_);
        plan();
        finished_ = std::make_unique<std::atomic<bool>[]>(tasks_.size());
        const std::size_t n_tasks = tasks_.size() + (error_logs_ ? error_logs_->pieces() : 0);
        const std::size_t n_workers = std::max<std::size_t>(1, std::min<std::size_t>(options_.threads, n_tasks));
        spare_threads_.store(static_cast<int>(options_.threads - n_workers));
        std::vector<std::unique_ptr<Worker>> workers;
        for (std::size_t i = 0; i < n_workers; ++i) workers.push_back(std::make_unique<Worker>(options_));
        std::vector<std::thread> threads;
        for (std::size_t i = 1; i < n_workers; ++i) threads.emplace_back([this, &workers, i] { work(*workers[i]); });
        work(*workers[0]);
        for (auto& th : threads) th.join();

        for (std::size_t i = 0; i < tasks_.size(); ++i) finished_[i].store(true, std::memory_order_relaxed);
        if (options_.count_level == CountLevel::transactions) replay_finished();  // what is left (a cancelled scan)
        join_pieces(*workers[0]);
        ScanResult& r = *result_;
        for (auto& w : workers) {
            r.counts.merge(std::move(w->counts));
            r.events_read.merge(w->events);
        }
        for (Task& t : tasks_)
            if (t.counts) r.counts.merge(*t.counts);
        if (error_logs_) {
            // The errors of the tasks not claimed yet (all of them when the error logs were read last) claim now.
            r.events = error_logs_->finish(r.error_files, r.stats);
            for (std::size_t i = 0; i < tasks_.size(); ++i) finished_[i].store(true, std::memory_order_relaxed);
            claim_in_order(*r.events);
            r.stats.events_dropped = r.events->dropped();
        }
        // Line numbers: a range's lines follow the lines of the ranges before it in the same file.
        std::vector<std::uint64_t> lines_before(files_.size(), 0);
        const bool lines_unknown = options_.byte_range && options_.byte_range->first > 0;
        for (Task& t : tasks_) {
            FileState& f = files_[t.file];
            const std::uint64_t base = lines_before[t.file];
            for (auto* samples : {&t.stats.unparsed_samples, &t.stats.invalid_samples, &t.stats.unexplained_samples})
                for (Sample& s : *samples) s.line = lines_unknown ? 0 : s.line + lines_before[t.file];
            lines_before[t.file] += t.stats.lines;
            f.report.lines += t.stats.lines;
            f.report.records += t.stats.total + t.stats.events;
            f.report.packets += t.packets;
            f.report.skipped_packets += t.skipped_packets;
            f.report.evictions += t.evictions;
            if (t.detection_done) {
                f.report.format = format_label(t.detected);
                f.report.wrapper = wrapper_label(t.detected);
                f.report.detection = t.detection;
                f.report.confidence = t.confidence;
            }
            for (FormatChange& c : t.changes) {
                c.line = lines_unknown ? 0 : c.line + base;
                f.report.add_change(std::move(c));
            }
            if (t.error && !f.report.error) f.report.error = t.error;
            r.stats.merge(t.stats, options_.max_samples);
        }
        if (options_.count_level == CountLevel::calls) {
            // A call's messages may lie in several files or threads: join them, then count each call once.
            CallTable calls;
            for (auto& w : workers) calls.merge(w->calls);
            for (Task& t : tasks_)
                if (t.calls) calls.merge(*t.calls);
            count_calls(calls, r.counts, r.stats, options_.paths);
        }
        for (FileState& f : files_) r.files.push_back(std::move(f.report));
        r.cancelled = cancel_.load();
    } catch (...) {
        result_->cancelled = true;
    }
    {
        std::lock_guard lock(mu_);
        done_ = true;
    }
    cv_.notify_all();
}

}  // namespace logcodes
