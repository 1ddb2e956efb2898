#include "logcodes/processor.hpp"

#include "logcodes/causes.hpp"
#include "logcodes/formats/detect_sample.hpp"
#include "logcodes/q850.hpp"
#include "logcodes/sip_reason.hpp"
#include "logcodes/time.hpp"

#include <algorithm>
#include <tuple>

namespace logcodes {

RecordProcessor::RecordProcessor(const Format* format, Aggregator& agg, ScanStats& stats, std::uint32_t file_index,
                                 std::string_view file_label, std::size_t max_samples, CountLevel level)
    : format_(format), parser_(format ? format->make_parser() : nullptr), agg_(agg), stats_(stats),
      file_index_(file_index), file_(file_label), max_samples_(max_samples), level_(level), derive_(agg.spec().paths) {
    if (format_) format_time_ = format_->time_syntax();
    derive_.set_input(file_, format_time_);
    decide_record_needs();
}

void RecordProcessor::decide_record_needs() noexcept {
    const GroupSpec& g = agg_.spec();
    // Errors waiting for their error-log event split their request when they are kept (split_request_late).
    bool reads = sink_ || record_sink_ || (filter_ && filter_->reads_request());
    for (const Dim d : g.dims) reads = reads || d == Dim::method || d == Dim::path || d == Dim::path_raw;
    if (g.heavy_capacity > 0)
        reads = reads || g.heavy_dim == Dim::method || g.heavy_dim == Dim::path || g.heavy_dim == Dim::path_raw;
    record_.split_requests = reads;
    // A Dim::field of the group key, or whoever takes whole records, reads named fields; causes read only
    // fields that formats copy for nothing (views into the line).
    // Calls keep who called whom for their samples (CallRecord::caller).
    record_.named_fields = sink_ || record_sink_ || !g.fields.empty() || level_ == CountLevel::calls;
    short_http_path_ = agg_.counts_codes_only() && !sink_ && !pending_ && !record_sink_ && !filter_;
}

void RecordProcessor::sample(std::vector<Sample>& into, std::uint64_t line_no, std::uint64_t offset,
                             std::string_view text, std::string why) {
    if (into.size() >= max_samples_) return;
    Sample s;
    s.file_index = file_index_;
    s.line = line_no;
    s.offset = offset;
    s.text.assign(text.substr(0, kSampleTextBytes));
    s.why = std::move(why);
    into.push_back(std::move(s));
}

// The common lines (a record, a part of one, meta) stay on a short path; the rest is out of line so this
// function needs few registers: multi-line formats call it for every short line of a message.
void RecordProcessor::on_line(const LineEvent& ev, std::uint64_t line_no) {
    ++stats_.lines;
    if (ev.overlong || !parser_) [[unlikely]] {
        unusual_line(ev, line_no);
        return;
    }
    // A blank line ends a multi-line record's headers when one is open; otherwise it is just blank.
    if (is_blank_line(ev.text) && !parser_->in_record()) {
        ++stats_.blank;
        return;
    }
    // Parsers clear the record when they fill it: lines that are parts of a record cost nothing here.
    const ParseResult pr = parser_->parse(ev.text, record_);
    if (run_ != 0 && pr != ParseResult::unparsed) [[unlikely]] release_held();  // a run of unread lines ended
    if (pr == ParseResult::part) {
        if (!in_part_) open_part(ev, line_no);
        return;
    }
    if (pr == ParseResult::meta) {
        ++stats_.meta;
        if (in_part_ && !parser_->in_record()) [[unlikely]] in_part_ = false;  // parts that made no record
        return;
    }
    if (pr == ParseResult::record && !in_part_) {  // a one-line record: most lines of most logs
        if (!(short_http_path_ && count_http_code())) handle_record(line_no, ev.offset, ev.text, true);
        return;
    }
    end_of_record(pr, ev, line_no);
}

void RecordProcessor::unusual_line(const LineEvent& ev, std::uint64_t line_no) {
    if (ev.overlong) {
        ++stats_.total;
        ++stats_.unparsed;
        sample(stats_.unparsed_samples, line_no, ev.offset, ev.text, "line longer than the record limit");
        return;
    }
    // No parser: detection found no format, so every non-blank line is unparsed.
    if (is_blank_line(ev.text)) {
        ++stats_.blank;
        return;
    }
    end_of_record(ParseResult::unparsed, ev, line_no);
}

void RecordProcessor::count_unparsed(std::uint64_t line_no, std::uint64_t offset, std::string_view text) {
    ++stats_.total;
    ++stats_.unparsed;
    if (stats_.unparsed_samples.size() < max_samples_)
        sample(stats_.unparsed_samples, line_no, offset, text,
               format_ ? "not a " + std::string(format_->name()) + " line" : "no known format");
}

bool RecordProcessor::hold(const LineEvent& ev, std::uint64_t line_no) {
    ++run_;
    if (run_ <= hold_from_ || ev.text.size() > kDetectLineBytes) return false;
    // Parsers may read kLinePadding bytes past a line: the copy has them.
    held_.push_back({line_no, ev.offset, ev.text.size(), std::string(ev.text)});
    held_.back().text.append(kLinePadding, '\0');
    if (held_.size() < kChangeLines || try_switch(false)) return true;
    // No format reads them: counted as unparsed, and the next try waits until the run is twice as long.
    std::vector<HeldLine> lines = std::move(held_);
    held_.clear();
    for (const HeldLine& h : lines) count_unparsed(h.line_no, h.offset, h.line());
    hold_from_ = run_ * 2;
    return true;
}

void RecordProcessor::release_held() {
    for (const HeldLine& h : held_) count_unparsed(h.line_no, h.offset, h.line());
    held_.clear();
    run_ = 0;
    hold_from_ = 0;
}

bool RecordProcessor::try_switch(bool at_end) {
    std::string text;
    for (const HeldLine& h : held_) (text += h.line()) += '\n';
    text += past_end_;  // the run's lines after the piece's end: part of the sample, counted by the next piece
    const Detection d = detect_in_sample(text, at_end);
    // Only an access format that reads most of the held lines exactly (a loose reading of a few stray lines
    // is no change); an error log is another input, not a change.
    if (!d.format || d.format == format_ || d.format->events() ||
        d.ranking.front().exact_valid * 2 <= held_.size() + past_end_lines_)
        return false;
    switches_.push_back({held_.front().line_no, held_.front().offset, d.format, d.explanation});
    format_ = d.format;
    format_time_ = format_->time_syntax();
    derive_.set_input(file_, format_time_);
    parser_ = format_->make_parser();
    late_parser_.reset();
    in_part_ = false;
    decide_record_needs();
    std::vector<HeldLine> lines = std::move(held_);
    held_.clear();
    run_ = 0;
    hold_from_ = 0;
    for (const HeldLine& h : lines) {
        --stats_.lines;  // counted when first seen
        LineEvent ev{};
        ev.text = h.line();
        ev.offset = h.offset;
        on_line(ev, h.line_no);
    }
    return true;
}

void RecordProcessor::open_part(const LineEvent& ev, std::uint64_t line_no) {
    in_part_ = true;
    part_line_ = line_no;
    part_offset_ = ev.offset;
    part_text_.assign(ev.text.substr(0, kSampleTextBytes));
}

void RecordProcessor::end_of_record(ParseResult pr, const LineEvent& ev, std::uint64_t line_no) {
    if (pr == ParseResult::unparsed) {
        in_part_ = false;
        if (watch_ && hold(ev, line_no)) return;
        count_unparsed(line_no, ev.offset, ev.text);
        return;
    }
    if (in_part_) {
        in_part_ = false;
        handle_record(part_line_, part_offset_, part_text_);
        // The line that completed one record may have opened the next (a message with no blank line after).
        if (parser_->in_record() && !is_blank_line(ev.text)) open_part(ev, line_no);
    } else {
        handle_record(line_no, ev.offset, ev.text);
    }
}

void RecordProcessor::prime(std::string_view directive) {
    if (!parser_) return;
    std::string padded(directive);
    padded.append(kLinePadding, '\0');
    parser_->parse(std::string_view(padded.data(), directive.size()), record_);
    record_.clear();
}

bool RecordProcessor::look_past_end(const LineEvent& ev) {
    if (held_.empty() || run_ends_past_end_ || held_.size() + past_end_lines_ >= kChangeLines) return false;
    if (ev.overlong || ev.text.size() > kDetectLineBytes || !parser_) return false;  // never held: decide now
    if (is_blank_line(ev.text)) return true;  // a blank line neither ends nor extends the run
    const ParseResult pr = parser_->parse(ev.text, record_);
    record_.clear();
    if (pr != ParseResult::unparsed) {
        run_ends_past_end_ = true;
        return false;
    }
    (past_end_ += ev.text) += '\n';
    ++past_end_lines_;
    return held_.size() + past_end_lines_ < kChangeLines;
}

void RecordProcessor::line_before(std::string_view line) {
    if (!watch_ || !parser_ || line.size() > kDetectLineBytes || is_blank_line(line)) return;
    std::string padded(line);
    padded.append(kLinePadding, '\0');
    run_before_ = parser_->parse(std::string_view(padded.data(), line.size()), record_) == ParseResult::unparsed;
    record_.clear();
}

void RecordProcessor::finish(bool input_end) {
    // A run of unread lines at the end: a change shortly before it is still found. At the input's end one
    // odd last line is no change. At a piece's end the lines after it decide (look_past_end): a line read
    // there ends the run, as it would in the whole input; else the run's lines on both sides are the sample.
    // A run that began before this piece is no odd last line.
    const bool from_before = run_before_ && !held_.empty() && held_.front().line_no == 1;
    const std::size_t least = input_end && !from_before ? 2 : 1;
    const bool run_goes_on = !run_ends_past_end_;
    if (!held_.empty() && !(run_goes_on && held_.size() + past_end_lines_ >= least && try_switch(true)))
        release_held();
    past_end_.clear();
    past_end_lines_ = 0;
    run_ends_past_end_ = false;
    run_before_ = false;
    if (!parser_) return;
    record_.clear();
    if (parser_->flush(record_)) {
        handle_record(part_line_, part_offset_, part_text_);
    } else if (parser_->cut_at_end()) {
        ++stats_.total;
        ++stats_.unparsed;
        sample(stats_.unparsed_samples, part_line_, part_offset_, part_text_,
               "a line cut into parts whose last part never came");
    }
    in_part_ = false;
}

void RecordProcessor::handle_record(std::uint64_t line_no, std::uint64_t offset, std::string_view text,
                                    bool one_line) {
    if (record_.kind == RecordKind::event) {
        ++stats_.events;
        if (sink_) {
            sink_->add(record_, file_index_, line_no, parser_.get());
        } else if (event_counter_) {
            if (filter_ && !filter_->keep(record_, Classified{}, TimeSyntax::iso8601)) {
                ++stats_.filtered;
                return;
            }
            event_counter_->add(record_, file_, file_index_, line_no);
        }
        return;
    }
    if (record_.kind == RecordKind::request) {
        ++stats_.requests;
        if (level_ == CountLevel::calls)
            calls_.add(record_, record_time_ms(record_.time_syntax, record_.time, record_.time2), file_index_);
        return;
    }
    ++stats_.total;
    const Classified c = classify(record_.protocol, record_.status);
    if (c.status == CodeStatus::invalid) {
        ++stats_.invalid;
        if (stats_.invalid_samples.size() < max_samples_)
            sample(stats_.invalid_samples, line_no, offset, text,
                   "status \"" + std::string(record_.status.substr(0, 32)) + "\" is not a " +
                       std::string(protocol_name(record_.protocol)) + " status code");
        return;
    }
    if (record_.protocol == Protocol::sip && level_ != CountLevel::messages) {
        if (level_ == CountLevel::calls) {
            // Every response is read (and judged valid or not) but calls are counted at the end.
            ++stats_.call_responses;
            calls_.add(record_, record_time_ms(record_.time_syntax, record_.time, record_.time2), file_index_);
            return;
        }
        if (transaction_log_) [[unlikely]] {
            if (!first_logged(c)) return;
        } else if (!transactions_.first(record_)) {
            ++stats_.retransmissions;
            return;
        }
    }
    if (filter_ && !filter_->keep(record_, c, format_time_)) {
        ++stats_.filtered;
        return;
    }
    if (c.status == CodeStatus::unregistered) ++stats_.unregistered;
    if (pending_ && c.code < explained_codes_.size() && explained_codes_[c.code]) {
        if (record_.request_id.empty()) record_.request_id = record_.extra(request_id_field_);
        if (one_line && !record_.split_requests && record_.method.empty() && record_.target.empty())
            split_request_late(text);
        pending_->push_back(PendingError{OwnedRecord(record_), c, line_no, offset,
                                         std::string(text.substr(0, kSampleTextBytes)), format_time_});
        return;
    }
    Derived d(record_, c, derive_);
    if (record_sink_) record_sink_->on_record(d, line_no);
    agg_.add(d);
}

bool RecordProcessor::first_logged(const Classified& c) {
    const std::uint64_t key = TransactionFilter::key(record_);
    if (key == 0) return true;  // no transaction: counted whoever reads it
    const std::int64_t time = record_time(record_.time_syntax, record_.time, record_.time2);
    if (short_http_path_) {
        // Codes only, nothing else asked of the record: the replay counts it, once it knows the pieces before.
        transaction_log_->push_back({key, time, c.code, c.status == CodeStatus::unregistered});
        return false;
    }
    const bool first = transactions_.first(key, time);
    transaction_log_->push_back({key | (first ? TransactionLogEntry::kCounted : 0), time, 0, false});
    if (!first) ++stats_.retransmissions;
    return first;
}

void RecordProcessor::set_explainer(const std::vector<std::string>* explain, std::vector<PendingError>* pending) noexcept {
    pending_ = pending;
    explained_codes_.reset();
    if (explain)
        for (std::size_t code = 0; code < explained_codes_.size(); ++code)
            for (const auto& spec : *explain)
                if (code_selected(spec, static_cast<int>(code))) explained_codes_.set(code);
    decide_record_needs();
}

void RecordProcessor::split_request_late(std::string_view line) {
    // Records are read without splitting their request when nothing reads it; an error waiting for its event
    // needs its path. A line whose meaning does not depend on the lines before it (a splittable format) is
    // read again, by a parser of its own: the record's views may point into the first parser's buffers.
    if (!format_ || !format_->splittable()) return;
    if (!late_parser_) {
        late_parser_ = format_->make_parser();
        late_ = std::make_unique<Record>();
    }
    late_->clear();
    late_->split_requests = true;
    if (late_parser_->parse(line, *late_) == ParseResult::record) {
        record_.method = late_->method;
        record_.target = late_->target;
    }
}

void explain_pending(EventStore& events, std::vector<PendingError>& pending, Aggregator& agg, ScanStats& stats,
                     std::uint32_t file_index, std::string_view file_label, std::size_t max_samples) {
    std::string source, buf;
    Record r;
    for (PendingError& p : pending) {
        p.record.restore(r);
        Explanation why;
        bool found = events.claim(r, p.c.code, why) && why.slug != "unknown";
        if (found && why.kind == JoinKind::time) {
            // A join by time alone is a guess: what the record says itself (an upstream's code, a
            // substatus ...) wins over it.
            const Cause own = record_cause(r, p.c.code, buf);
            if (!own.slug.empty() && own.slug != "unknown" && own.slug != "proxy_local") found = false;
        }
        if (found) {
            r.cause = why.slug;
            r.cause_detail = why.detail;
            r.cause_source = why.source;
            if (why.kind == JoinKind::time) {  // a guess says how far apart it is: "correlation:time:1s"
                source.assign(why.source).append(":").append(std::to_string(why.gap)).append("s");
                r.cause_source = source;
            }
            ++stats.explained;
            ++(why.kind == JoinKind::request_id ? stats.joined_by_id
               : why.kind == JoinKind::path     ? stats.joined_by_path
                                                : stats.joined_by_time);
        } else {
            ++stats.unexplained_errors;
            if (stats.unexplained_samples.size() < max_samples) {
                Sample s;
                s.file_index = file_index;
                s.line = p.line_no;
                s.offset = p.offset;
                s.text = std::move(p.text);
                s.why = "no error-log event explains this " + std::to_string(p.c.code);
                stats.unexplained_samples.push_back(std::move(s));
            }
        }
        agg.add(r, p.c, file_label, p.format_time);
    }
    pending.clear();
    pending.shrink_to_fit();
}

namespace {

// Keeps the samples of the smallest Call-IDs: the same ones whichever order the table is walked in.
void keep_call_sample(std::vector<Sample>& into, std::uint32_t file_index, std::string_view call_id, std::string why) {
    Sample s;
    s.file_index = file_index;
    s.text.assign(call_id.substr(0, kSampleTextBytes));
    s.why = std::move(why);
    const auto before = [](const Sample& a, const Sample& b) {
        return std::tie(a.file_index, a.text) < std::tie(b.file_index, b.text);
    };
    if (into.size() >= kDefaultMaxSamples && !before(s, into.back())) return;
    into.insert(std::upper_bound(into.begin(), into.end(), s, before), std::move(s));
    if (into.size() > kDefaultMaxSamples) into.pop_back();
}

// What a Call-ID without its INVITE shows instead.
std::string without_invite_why(const CallRecord& c) {
    std::string why = c.invites.empty() ? "BYE" : "INVITE responses";
    if (!c.invites.empty() && !c.byes.empty()) why += " and BYE";
    return why + " without the INVITE request: not counted as a call";
}

// "+1,234 ms" after `start` (nothing when either time is unknown).
std::string after(std::int64_t start, std::int64_t ms) {
    if (start == kNoMs || ms == kNoMs) return {};
    std::string digits = std::to_string(ms - start), out;
    const bool negative = !digits.empty() && digits[0] == '-';
    if (negative) digits.erase(0, 1);
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return std::string(" ") + (negative ? "-" : "+") + out + " ms";
}

// A failed call step by step, for its sample: who called whom, then each INVITE of the attempt with its first
// 18x and final response, times after the first INVITE, a line each: "caller -> callee\nINVITE (CSeq 1) +0 ms\n
// 407 Proxy Authentication Required +2 ms\nINVITE (CSeq 2) +9 ms\n18x +40 ms\n486 Busy Here +2,012 ms (Reason:
// Q.850;cause=17)".
std::string call_ladder(const CallRecord& rec, const CallResult& call) {
    std::vector<const InviteTransaction*> steps;
    for (const auto& t : rec.invites)
        if (t.from == call.from && !t.in_dialog) steps.push_back(&t);
    std::sort(steps.begin(), steps.end(), [](const auto* a, const auto* b) { return a->cseq < b->cseq; });
    std::string out = (rec.caller.empty() ? "?" : rec.caller) + " -> " + (rec.callee.empty() ? "?" : rec.callee);
    const std::int64_t start = call.invite_ms;
    for (const InviteTransaction* t : steps) {
        out += "\n";
        out += t->request_seen ? "INVITE (CSeq " + std::to_string(t->cseq) + ")" + after(start, t->request_ms)
                               : "INVITE (CSeq " + std::to_string(t->cseq) + ", not read)";
        if (t->ringing_ms != kNoMs) out += "\n18x" + after(start, t->ringing_ms);
        if (t->cancelled) out += "\nCANCEL";
        if (t->final_code != 0) {
            out += "\n" + std::to_string(t->final_code) + (t->reason.empty() ? "" : " " + t->reason) +
                   after(start, t->final_ms);
            if (!t->reason_header.empty()) out += " (Reason: " + t->reason_header.substr(0, 120) + ")";
        } else {
            out += "\nno final response";
        }
    }
    return out;
}

// A record standing for a finished call or registration, for the aggregator's group key.
struct CallRecordText {
    std::string status, time;
    void fill(Record& r, std::uint16_t code, std::int64_t ms) {
        r.clear();
        r.protocol = Protocol::sip;
        status = std::to_string(code);
        r.status = status;
        if (ms != kNoMs) {
            const std::int64_t seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;  // floor, also before 1970
            time = std::to_string(seconds);
            r.time = time;
            r.time_syntax = TimeSyntax::epoch;
        }
    }
};

}  // namespace

void count_calls(const CallTable& calls, Aggregator& agg, ScanStats& stats, const std::vector<std::string>& labels) {
    Record r;
    CallRecordText text;
    for (const auto& [call_id, rec] : calls.calls()) {
        const std::string_view file =
            rec.file_index < labels.size() ? std::string_view(labels[rec.file_index]) : std::string_view{};
        bool without = false;
        for (const CallResult& call : CallTable::finish_calls(rec, without)) {
            if (call.final_code == 0) {
                ++stats.incomplete_calls;
                continue;
            }
            text.fill(r, call.final_code, call.invite_ms != kNoMs ? call.invite_ms : rec.first_ms);
            r.reason = call.reason;
            r.method = "INVITE";
            r.sip.call_id = call_id;
            r.sip.cseq_method = "INVITE";
            r.sip.reason_header = call.reason_header;
            r.sip.attempts = call.attempts;
            r.sip.auth_rounds = call.auth_rounds;
            r.sip.hangup = hangup_name(call.hangup);
            const int q850 = reason_cause(call.reason_header, "Q.850");
            r.outcome = call_outcome(call.final_code, call.cancelled, q850);
            if (q850 > 0 && !q850_consistent(call.final_code, q850)) {
                ++stats.inconsistent_calls;
                const Q850Cause* qc = find_q850(q850);
                keep_call_sample(stats.inconsistent_samples, rec.file_index, call_id,
                                 std::to_string(call.final_code) + " with Q.850 cause " + std::to_string(q850) + " (" +
                                     std::string(qc ? qc->name : "unknown cause") + ")");
            }
            if (r.outcome != "answered" && r.outcome != "cancelled")
                keep_call_sample(stats.failed_call_samples, rec.file_index, call_id, call_ladder(rec, call).substr(0, 1000));
            const Classified c = classify(Protocol::sip, r.status);
            ++stats.calls;
            if (c.status == CodeStatus::unregistered) ++stats.unregistered;
            agg.add(r, c, file, TimeSyntax::epoch);
            agg.add_figures(r, c, file, TimeSyntax::epoch, call_figures(call, r.outcome));
        }
        if (without) {
            ++stats.calls_without_invite;
            keep_call_sample(stats.without_request_samples, rec.file_index, call_id, without_invite_why(rec));
        }
        for (const RegistrationResult& reg : CallTable::finish_registrations(rec, without)) {
            text.fill(r, reg.final_code, reg.request_ms != kNoMs ? reg.request_ms : reg.final_ms);
            r.method = "REGISTER";
            r.sip.call_id = call_id;
            r.sip.cseq_method = "REGISTER";
            agg.add_figures(r, classify(Protocol::sip, r.status), file, TimeSyntax::epoch, registration_figures(reg));
        }
        if (without) {
            ++stats.registrations_without_request;
            keep_call_sample(stats.without_request_samples, rec.file_index, call_id,
                             "REGISTER responses without the REGISTER request: not counted as a registration");
        }
    }
}

}  // namespace logcodes
