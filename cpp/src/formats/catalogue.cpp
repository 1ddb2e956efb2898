// The CLF family's built-in formats, the list of all built-in formats, and format detection.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "logcodes/classifier.hpp"
#include "logcodes/fields.hpp"
#include "logcodes/formats/access_log.hpp"
#include "logcodes/formats/builtin.hpp"
#include "logcodes/formats/format.hpp"
#include "logcodes/formats/envelope.hpp"
#include "logcodes/formats/error_logs.hpp"
#include "logcodes/formats/json.hpp"
#include "logcodes/formats/proxies.hpp"
#include "logcodes/formats/w3c_extended.hpp"
#include "logcodes/formats/sip.hpp"
#include "logcodes/formats/token_format.hpp"

namespace logcodes {

namespace {

const AccessLogFormat kVhostCombined({"vhost_combined",
                                      "Apache vhost_combined: %v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" "
                                      "\"%{User-Agent}i\"",
                                      true, 4, 2});
const AccessLogFormat kNginxMain({"nginx_main",
                                  "nginx default 'main': $remote_addr - $remote_user [$time_local] \"$request\" "
                                  "$status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" "
                                  "\"$http_x_forwarded_for\"",
                                  false, 3, 3});
const AccessLogFormat kCombined({"combined",
                                 "NCSA combined (Apache, nginx 'combined'): %h %l %u %t \"%r\" %>s %b "
                                 "\"%{Referer}i\" \"%{User-Agent}i\"",
                                 false, 3, 2});
const AccessLogFormat kCommon({"common", "Common Log Format (CLF): %h %l %u %t \"%r\" %>s %b", false, 3, 0});
// Tomcat's AccessLogValve patterns "common" and "combined" write exactly the NCSA layouts.
const AccessLogFormat kTomcatCommon({"tomcat_common",
                                     "Tomcat AccessLogValve pattern=\"common\": %h %l %u %t \"%r\" %s %b", false, 3, 0});
const AccessLogFormat kTomcatCombined({"tomcat_combined",
                                       "Tomcat AccessLogValve pattern=\"combined\": %h %l %u %t \"%r\" %s %b "
                                       "\"%{Referer}i\" \"%{User-Agent}i\"",
                                       false, 3, 2});

// Priorities leave room for more specific families before (lower) and after (higher).
const std::array<BuiltinFormat, 9> kAccessLog = {{
    {"vhost_combined", &kVhostCombined, 500, true},
    {"nginx_main", &kNginxMain, 510, true},
    {"combined", &kCombined, 520, true},
    {"common", &kCommon, 530, true},
    {"tomcat_common", &kTomcatCommon, 531, false},
    {"tomcat_combined", &kTomcatCombined, 521, false},
    {"clf", &kCommon, 0, false},
    {"ncsa", &kCommon, 0, false},
    {"nginx_combined", &kCombined, 0, false},
}};

std::vector<BuiltinFormat> build_all() {
    // The fields every envelope adds (formats/envelope.hpp): known before any wrapped format is made, so
    // by="stream" / by="app" are accepted before a scan has detected an envelope.
    intern_field("stream");
    intern_field("app");
    std::vector<BuiltinFormat> all;
    for (auto family : {access_log_formats(), token_formats(), sip_formats(), json_formats(), w3c_formats(),
                        proxy_formats(), error_log_formats()}) all.insert(all.end(), family.begin(), family.end());
    std::stable_sort(all.begin(), all.end(), [](const BuiltinFormat& a, const BuiltinFormat& b) {
        return a.detectable != b.detectable ? a.detectable : a.priority < b.priority;
    });
    return all;
}

// A candidate's evidence in lines: exact readings count whole, loose ones half (docs/detection.md).
double evidence(const Candidate& c) noexcept {
    return static_cast<double>(c.exact_valid) + static_cast<double>(c.valid - c.exact_valid) / 2;
}

// Two candidates read the sample alike when they found records of the same kinds and codes in the same
// lines (a specific format and the general one it extends, such as a preset and the generic JSON reader):
// the counts do not depend on which is taken, and the more specific one (priority order) is. Two
// error-log kinds of one server family are alike too.
bool reads_alike(const Candidate& a, const Candidate& b) {
    if (a.format->events() && b.format->events()) return error_log_kinds_related(*a.format, *b.format);
    return a.reading == b.reading;
}

std::string lines_of(std::size_t n, std::size_t sampled) {
    return std::to_string(n) + " of " + std::to_string(sampled) + " lines";
}

// What a runner-up read, and why it was not taken.
std::string runner_reason(const Candidate& c, const Candidate& best, std::size_t sampled) {
    const std::string read = "reads " + lines_of(c.exact_valid, sampled) + " exactly with a valid code, " +
                             std::to_string(c.valid) + " with one in all";
    if (reads_alike(c, best)) return read + "; reads them as " + std::string(best.format->name()) + " does";
    return read;
}

// Why the best candidate is too weak to be taken, or "" when it is not: no sample line read with a valid
// status code (a format parsing other text by accident), valid codes in under half the sample, a runner-up
// that reads the sample differently with as much evidence (a tie), or for error logs: events covering
// under half the sample.
std::string weak_evidence(const Detection& d, const Candidate* rival, std::size_t sampled) {
    const Candidate& best = d.ranking.front();
    const std::string name(best.format->name());
    if (best.format->events()) {
        if (best.strict * 2 < sampled) return name + " events cover only " + std::to_string(best.strict) + " lines";
        for (std::size_t i = 1; i < d.ranking.size(); ++i) {
            const Candidate& c = d.ranking[i];
            if (c.strict != best.strict) break;
            if (c.format->events() && !reads_alike(best, c))
                return name + " and " + std::string(c.format->name()) + " both fit " + std::to_string(best.strict) +
                       " lines: give the format";
        }
        return {};
    }
    if (best.valid == 0)
        return name + " parses " + std::to_string(best.lenient) + " lines but none has a valid status code";
    if (best.valid * 2 < sampled - std::min(best.own_meta, sampled))
        return name + " reads a valid status code in only " + lines_of(best.valid, sampled) +
               (best.own_meta ? " (" + std::to_string(best.own_meta) + " more are its own other lines)" : "");
    if (rival && d.margin <= 0)
        return name + " and " + std::string(rival->format->name()) + " read the sample differently with as much " +
               "evidence (" + lines_of(best.exact_valid, sampled) + " and " + lines_of(rival->exact_valid, sampled) +
               " exactly): give the format";
    return {};
}

// FNV-1a, folded over what a candidate reads from each sample line.
void fold(std::uint64_t& h, std::string_view bytes) noexcept {
    for (char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    h = (h ^ 0xffU) * 1099511628211ULL;  // a separator: "ab","c" differs from "a","bc"
}

}  // namespace

bool blank_line(std::string_view line) noexcept {
    for (char c : line)
        if (c != ' ' && c != '\t' && c != '\r') return false;
    return true;
}

std::vector<std::string_view> detect_lines(std::string_view text, bool at_end, std::size_t& non_blank,
                                           std::size_t most) {
    std::vector<std::string_view> lines;
    non_blank = 0;
    while (non_blank < most && !text.empty()) {
        const std::size_t nl = text.find('\n');
        if (nl == std::string_view::npos && !at_end) break;
        const std::string_view line = text.substr(0, nl == std::string_view::npos ? text.size() : nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        lines.push_back(line);
        non_blank += !blank_line(line);
    }
    return lines;
}

std::span<const BuiltinFormat> access_log_formats() { return kAccessLog; }

std::span<const BuiltinFormat> all_builtin_formats() {
    static const std::vector<BuiltinFormat> all = build_all();
    return all;
}

const Format* find_format(std::string_view name) noexcept {
    for (const auto& b : all_builtin_formats())
        if (b.name == name) return b.format;
    // "syslog+combined": a built-in format inside an envelope.
    const std::size_t plus = name.find('+');
    if (plus == std::string_view::npos) return nullptr;
    const Envelope* envelope = find_envelope(name.substr(0, plus));
    const Format* inner = envelope ? find_format(name.substr(plus + 1)) : nullptr;
    if (!inner) return nullptr;
    try {
        return wrapped_format(*envelope, *inner);
    } catch (...) {
        return nullptr;
    }
}

std::vector<std::string_view> format_names() {
    std::vector<std::string_view> names;
    for (const auto& b : all_builtin_formats()) names.push_back(b.name);
    return names;
}

namespace {

Detection detect_bare(std::string_view head_in, bool at_end) {
    // Parsers may read kLinePadding bytes past a line: sample from a padded copy.
    std::string padded(head_in);
    padded.append(kLinePadding, '\0');
    std::string_view head(padded.data(), head_in.size());

    std::size_t non_blank = 0;
    const std::vector<std::string_view> sample = detect_lines(head, at_end, non_blank);
    Detection d;
    d.sample_lines = non_blank;
    if (non_blank == 0) {
        d.explanation = "no lines to sample";
        return d;
    }
    Record r;
    for (const auto& b : all_builtin_formats()) {
        if (!b.detectable) continue;
        Candidate c;
        c.format = b.format;
        c.reading = 14695981039346656037ULL;
        auto parser = b.format->make_parser();
        std::size_t index = 0;
        for (auto line : sample) {
            const bool is_blank = blank_line(line);
            if (is_blank && !parser->in_record()) continue;
            r.clear();
            const ParseResult pr = parser->parse(line, r);
            if (is_blank) continue;  // it ended a multi-line record's headers: its lines counted already
            ++index;
            switch (pr) {
                case ParseResult::meta:
                    if (b.format->meta_is_evidence()) {
                        ++c.strict;
                        ++c.lenient;
                        ++c.plausible;
                        ++c.exact_valid;
                        ++c.valid;
                    } else {
                        ++c.own_meta;
                    }
                    break;
                case ParseResult::part:  // inside a well-started record
                    ++c.strict; ++c.lenient; ++c.plausible; ++c.exact_valid; ++c.valid;
                    break;
                case ParseResult::record: {
                    ++c.lenient;
                    const bool exact = b.format->strict(line, r);
                    c.strict += exact;
                    const std::string_view st = r.status;
                    c.plausible += st == "-" || (st.size() == 3 && st.find_first_not_of("0123456789") == std::string_view::npos) ||
                                   r.kind != RecordKind::response;
                    // A request (SIP), an event, or a response with a code of its protocol's range.
                    const bool valid = b.format->events() ? exact
                                       : r.kind != RecordKind::response ||
                                             classify(r.protocol, st).status != CodeStatus::invalid;
                    c.valid += valid;
                    c.exact_valid += valid && exact;
                    // The reading: which lines are records, of which kind and code (what the counts are made of).
                    const char tag[3] = {static_cast<char>(index & 0x7f), static_cast<char>((index >> 7) & 0x7f),
                                         static_cast<char>('a' + static_cast<int>(r.kind))};
                    fold(c.reading, std::string_view(tag, 3));
                    fold(c.reading, st);
                    break;
                }
                case ParseResult::unparsed: break;
            }
        }
        if (c.lenient > 0) d.ranking.push_back(c);
    }
    // Most exact matches first, then most lines read with a believable status, then most lines parsed;
    // ties keep priority order (stable sort).
    std::stable_sort(d.ranking.begin(), d.ranking.end(), [](const Candidate& a, const Candidate& b) {
        if (a.strict != b.strict) return a.strict > b.strict;
        if (a.plausible != b.plausible) return a.plausible > b.plausible;
        return a.lenient > b.lenient;
    });
    const std::string of = " of " + std::to_string(non_blank) + " sample lines";
    if (d.ranking.empty()) {
        d.explanation = "no known format matches any" + of;
        return d;
    }
    // A loose reading (no line matched exactly) says little about which of the formats reading alike it is:
    // the most general of them (the last in priority order) is taken, not a specific one that happens to
    // read the lines (a custom Apache layout is read loosely by combined, not by the ALB preset).
    if (d.ranking.front().strict == 0) {
        std::size_t last = 0;
        for (std::size_t i = 1; i < d.ranking.size(); ++i) {
            const Candidate& c = d.ranking[i];
            if (c.plausible != d.ranking.front().plausible || c.lenient != d.ranking.front().lenient) break;
            if (reads_alike(c, d.ranking.front())) last = i;
        }
        if (last) std::rotate(d.ranking.begin(), d.ranking.begin() + static_cast<std::ptrdiff_t>(last),
                              d.ranking.begin() + static_cast<std::ptrdiff_t>(last) + 1);
    }
    const Candidate& best = d.ranking.front();
    // The rival: the first runner-up that reads the sample otherwise.
    const Candidate* rival = nullptr;
    for (std::size_t i = 1; i < d.ranking.size() && !rival; ++i)
        if (!reads_alike(d.ranking[i], best)) rival = &d.ranking[i];
    // Evidence is weighed over the lines that are not the best candidate's own other lines.
    const double n = static_cast<double>(std::max<std::size_t>(1, non_blank - std::min(best.own_meta, non_blank)));
    d.confidence = std::min(1.0, evidence(best) / n);
    d.margin = rival ? std::min(1.0, (evidence(best) - evidence(*rival)) / n) : d.confidence;
    for (std::size_t i = 1; i < d.ranking.size(); ++i) d.ranking[i].why = runner_reason(d.ranking[i], best, non_blank);
    if (const std::string why = weak_evidence(d, rival, non_blank); !why.empty()) {
        d.explanation = "weak evidence in " + std::to_string(non_blank) + " sample lines: " + why;
        d.ranking.front().why = why;
        return d;
    }
    d.format = best.format;
    if (best.strict > 0) {
        d.matched = best.strict;
        d.explanation = std::string(best.format->name()) + ": " + std::to_string(best.strict) + of + " match exactly";
        if (best.exact_valid < best.strict)
            d.explanation += " (" + std::to_string(best.valid) + " with a valid status code)";
    } else {
        d.matched = best.plausible ? best.plausible : best.lenient;
        d.explanation = std::string(best.format->name()) + ": " + std::to_string(d.matched) + of +
                        " parse, with extra or missing fields";
    }
    return d;
}

}  // namespace

// The envelope first (syslog, CRI, Docker, journald, a shipper's JSON), then the format of the lines it
// carries; the wrapped reading is taken unless the bare one explains more sample lines. A tie in syslog
// envelopes goes to the bare reading: the formats that read a syslog prefix themselves (HAProxy, Kamailio acc)
// give the program's other syslog lines their own meaning. No format reads the other envelopes itself: a tie
// there is a bare format finding its fields by chance (acc's "ACC: " anywhere in a CRI line).
Detection detect_in_sample(std::string_view head, bool at_end) {
    Detection bare = detect_bare(head, at_end);
    std::string peeled;
    std::size_t lines = 0, carried = 0;
    const Envelope* envelope = detect_envelope(head, at_end, peeled, lines, carried);
    if (!envelope) return bare;
    Detection inner = detect_bare(peeled, true);
    const std::string in = " in " + std::string(envelope->name()) + " envelopes (" + std::to_string(carried) + " of " +
                           std::to_string(lines) + " sample lines)";
    if (!inner.format) {
        if (!bare.format) bare.explanation = "lines" + in + ", but of the lines they carry: " + inner.explanation;
        return bare;
    }
    // Lines matched exactly weigh first: a bare format that only parses the lines loosely (the syslog
    // header read as the fields of another format) loses to an exact reading of the carried lines.
    if (bare.format && !bare.ranking.empty()) {
        const std::size_t bare_strict = bare.ranking.front().strict, inner_strict = inner.ranking.front().strict;
        const bool syslog = envelope->name() == "syslog";
        if (bare_strict > inner_strict ||
            (bare_strict == inner_strict && (bare.matched > inner.matched || (syslog && bare.matched == inner.matched))))
            return bare;
    }
    Detection d = std::move(inner);
    d.explanation = std::string(d.format->name()) + in + ": " + d.explanation;
    d.format = wrapped_format(*envelope, *d.format);
    for (Candidate& c : d.ranking) c.format = wrapped_format(*envelope, *c.format);  // runners-up in the envelope too
    d.sample_lines = bare.sample_lines;
    return d;
}

}  // namespace logcodes
