#include "logcodes/formats/w3c_extended.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "logcodes/fields.hpp"
#include "logcodes/formats/format.hpp"

namespace logcodes {

namespace {

enum class W3cRole : unsigned char { extra, status, method, path, query, target, host, client, date, time, duration, bytes };

enum class Variant : unsigned char { generic, httperr, cloudfront };

struct Column {
    FieldId id;
    W3cRole role;
    int host_rank;
};

struct Layout {
    std::vector<Column> columns;
    bool from_directive = false;   // false: IIS's default layout assumed
    DurationUnit unit = DurationUnit::milliseconds;
    Variant variant = Variant::generic;
    std::size_t free_text = SIZE_MAX;  // a column that may soak up unquoted spaces (user agent)
};

W3cRole role_of(std::string_view n, int& host_rank) {
    host_rank = 0;
    if (n == "sc-status") return W3cRole::status;
    if (n == "cs-method") return W3cRole::method;
    if (n == "cs-uri-stem") return W3cRole::path;
    if (n == "cs-uri-query") return W3cRole::query;
    if (n == "cs-uri") return W3cRole::target;
    if (n == "cs(Host)" || n == "cs-host") { host_rank = 2; return W3cRole::host; }
    if (n == "x-host-header") { host_rank = 3; return W3cRole::host; }
    if (n == "s-sitename" || n == "s-computername") { host_rank = 1; return W3cRole::host; }
    if (n == "c-ip") return W3cRole::client;
    if (n == "date" || n == "date-local") return W3cRole::date;
    if (n == "time" || n == "time-local") return W3cRole::time;
    if (n == "time-taken" || n == "TimeTakenMS") return W3cRole::duration;
    if (n == "sc-bytes") return W3cRole::bytes;
    return W3cRole::extra;
}

Layout make_layout(std::string_view fields, bool from_directive) {
    Layout l;
    l.from_directive = from_directive;
    bool edge = false, reason = false;
    std::size_t p = 0;
    while (p < fields.size()) {
        while (p < fields.size() && (fields[p] == ' ' || fields[p] == '\t' || fields[p] == '\r')) ++p;
        std::size_t e = p;
        while (e < fields.size() && fields[e] != ' ' && fields[e] != '\t' && fields[e] != '\r') ++e;
        if (e > p) {
            const std::string_view n = fields.substr(p, e - p);
            int rank;
            const W3cRole role = role_of(n, rank);
            if (n == "cs(User-Agent)") l.free_text = l.columns.size();
            edge = edge || n.starts_with("x-edge-");
            reason = reason || n == "s-reason";
            if (n == "TimeTakenMS") l.unit = DurationUnit::milliseconds;
            l.columns.push_back({intern_field(n), role, rank});
        }
        p = e;
    }
    if (edge) {
        l.variant = Variant::cloudfront;
        l.unit = DurationUnit::seconds;  // CloudFront's time-taken is seconds
    } else if (reason) {
        l.variant = Variant::httperr;
    }
    return l;
}

// Splits a data line into values; with `quotes`, quoted values keep their spaces ("" is a quote).
std::size_t split(std::string_view line, std::vector<std::string_view>& out, std::string& storage, bool quotes) {
    out.clear();
    storage.clear();
    const bool tabs = line.find('\t') != std::string_view::npos;
    std::size_t p = 0;
    storage.reserve(line.size());
    while (p < line.size()) {
        if (tabs) {
            const std::size_t e = line.find('\t', p);
            out.push_back(line.substr(p, e == std::string_view::npos ? std::string_view::npos : e - p));
            if (e == std::string_view::npos) break;
            p = e + 1;
            if (p == line.size()) break;  // a trailing tab adds no column (CloudFront writes some)
            continue;
        }
        while (p < line.size() && line[p] == ' ') ++p;
        if (p >= line.size()) break;
        if (quotes && line[p] == '"') {
            // A quoted value: "" inside is one quote; copy it unquoted into storage (stable: reserved).
            const std::size_t begin = storage.size();
            std::size_t q = p + 1;
            bool closed = false;
            while (q < line.size()) {
                if (line[q] == '"') {
                    if (q + 1 < line.size() && line[q + 1] == '"') {
                        storage.push_back('"');
                        q += 2;
                        continue;
                    }
                    closed = true;
                    ++q;
                    break;
                }
                storage.push_back(line[q++]);
            }
            if (!closed) return SIZE_MAX;  // an unbalanced quote: the line cannot be split unambiguously
            out.push_back(std::string_view(storage.data() + begin, storage.size() - begin));
            p = q;
            continue;
        }
        std::size_t e = p;
        while (e < line.size() && line[e] != ' ') ++e;
        out.push_back(line.substr(p, e - p));
        p = e;
    }
    return out.size();
}

constexpr std::string_view kIisDefault =
    "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) "
    "sc-status sc-substatus sc-win32-status time-taken";

class W3cFormat;

class W3cParser final : public Parser {
public:
    explicit W3cParser(const W3cFormat& f);
    ParseResult parse(std::string_view line, Record& out) override;
    const Layout& layout() const noexcept { return layout_; }

private:
    const W3cFormat& format_;
    Layout layout_;
    std::vector<std::string_view> values_;
    std::string storage_;
};

class W3cFormat final : public Format {
public:
    W3cFormat(std::string_view name, std::string_view description, Variant v) : name_(name), description_(description), variant_(v) {}
    std::string_view name() const noexcept override { return name_; }
    std::string_view description() const noexcept override { return description_; }
    std::unique_ptr<Parser> make_parser() const override { return std::make_unique<W3cParser>(*this); }
    bool strict(std::string_view line, const Record& r) const noexcept override {
        // Detection: a record read under a #Fields layout of this variant.
        (void)line;
        return !r.status.empty() && r.extra(intern_marker()) == name_;
    }
    bool splittable() const noexcept override { return false; }
    bool meta_is_evidence() const noexcept override { return true; }
    Variant variant() const noexcept { return variant_; }
    static FieldId intern_marker() {
        static const FieldId id = intern_field("w3c-layout");
        return id;
    }

private:
    std::string_view name_, description_;
    Variant variant_;
};

W3cParser::W3cParser(const W3cFormat& f) : format_(f), layout_(make_layout(kIisDefault, false)) {}

ParseResult W3cParser::parse(std::string_view line, Record& out) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);  // a UTF-8 byte-order mark
    if (!line.empty() && line.front() == '#') {
        if (line.starts_with("#Fields:")) layout_ = make_layout(line.substr(8), true);
        return ParseResult::meta;
    }
    const std::size_t want = layout_.columns.size();
    std::size_t n = split(line, values_, storage_, true);
    if (n != want) {
        // IIS writes quotes inside values as they are (a user agent of '"', 'a "b'): read by spaces alone
        // when that gives the line's columns, or when the quotes do not even balance.
        const std::size_t plain = split(line, values_, storage_, false);
        if (plain == want || n == SIZE_MAX) n = plain;
        else n = split(line, values_, storage_, true);
    }
    if (n == SIZE_MAX || n < want) return ParseResult::unparsed;
    std::size_t extra = n - want;
    if (extra > 0) {
        // IIS writes '+' for spaces, but some writers do not: extra tokens can only be a user agent's
        // (never with tabs between columns: then values cannot hold the separator).
        if (!layout_.from_directive || layout_.free_text == SIZE_MAX || line.find('\t') != std::string_view::npos)
            return ParseResult::unparsed;
    }
    out.clear();
    int host_rank = -1;
    std::string_view date, time;
    for (std::size_t c = 0, v = 0; c < want; ++c, ++v) {
        std::string_view value = values_[v];
        if (c == layout_.free_text && extra > 0) {
            // Join the user agent's tokens back (they are adjacent in the line). A quoted token was unquoted
            // into storage_, not the line: then the span cannot be rebuilt, and the line is not read.
            const std::string_view last = values_[v + extra];
            const auto in_line = [&](std::string_view t) {
                const std::less_equal<const char*> le;  // a total order, also for pointers into storage_
                return le(line.data(), t.data()) && le(t.data() + t.size(), line.data() + line.size());
            };
            if (!in_line(value) || !in_line(last)) return ParseResult::unparsed;
            value = std::string_view(value.data(), static_cast<std::size_t>(last.data() + last.size() - value.data()));
            v += extra;
        }
        const Column& col = layout_.columns[c];
        const std::string_view present = value == "-" ? std::string_view{} : value;
        out.add_extra(col.id, present);
        switch (col.role) {
            case W3cRole::extra: break;
            case W3cRole::query: out.query_only = present; break;
            case W3cRole::status: out.status = value; break;
            case W3cRole::method: out.method = present; break;
            case W3cRole::path: out.path_only = present; if (out.target.empty()) out.target = present; break;
            case W3cRole::target: out.target = present; break;
            case W3cRole::host:
                if (!present.empty() && col.host_rank > host_rank) {
                    out.host = present;
                    host_rank = col.host_rank;
                }
                break;
            case W3cRole::client: out.client = present; break;
            case W3cRole::date: date = value; break;
            case W3cRole::time: time = value; break;
            case W3cRole::duration: out.duration = present; out.duration_unit = layout_.unit; break;
            case W3cRole::bytes: out.bytes = present; break;
        }
    }
    if (out.status.empty()) out.status = "-";  // a layout without sc-status: the record has no code
    if (!date.empty() && !time.empty()) {
        out.time = date;
        out.time2 = time;
        out.time_syntax = TimeSyntax::w3c;
    }
    // Which variant's layout read this record (for detection).
    static constexpr std::string_view kNames[] = {"w3c", "iis_httperr", "cloudfront"};
    if (layout_.from_directive) out.add_extra(W3cFormat::intern_marker(), kNames[static_cast<int>(layout_.variant)]);
    (void)format_;
    return ParseResult::record;
}

// Field names W3C logs use (IIS, HTTP.sys, CloudFront, Oracle): known before any #Fields is read, so
// by=("sc-substatus", ...) is accepted up front.
constexpr std::string_view kKnownFields[] = {
    "date", "time", "date-local", "time-local", "c-ip", "c-port", "c-dns", "c-auth-id", "cs-username",
    "s-sitename", "s-computername", "s-ip", "s-port", "cs-method", "cs-uri-stem", "cs-uri-query", "cs-uri",
    "sc-status", "sc-substatus", "sc-win32-status", "sc-bytes", "cs-bytes", "time-taken", "TimeTakenMS",
    "cs-version", "cs-host", "cs(User-Agent)", "cs(Cookie)", "cs(Referer)", "cs(Referrer)", "cs(Host)", "s-reason",
    "s-queuename", "s-siteid", "streamid", "x-edge-location", "x-edge-result-type", "x-edge-request-id",
    "x-host-header", "cs-protocol", "x-forwarded-for", "ssl-protocol", "ssl-cipher", "x-edge-response-result-type",
    "cs-protocol-version", "fle-status", "fle-encrypted-fields", "time-to-first-byte", "x-edge-detailed-result-type",
    "sc-content-type", "sc-content-len", "sc-range-start", "sc-range-end", "bytes"};

struct KnownFields {
    KnownFields() {
        for (auto n : kKnownFields) intern_field(n);
    }
};
const KnownFields kRegistered;

const W3cFormat kW3c("w3c", "W3C extended log (IIS, Oracle Web Cache, ...) driven by #Fields directives",
                     Variant::generic);
const W3cFormat kHttpErr("iis_httperr", "HTTP.sys HTTPERR log (W3C with s-reason)", Variant::httperr);
const W3cFormat kCloudFront("cloudfront", "Amazon CloudFront standard log (W3C, tab-separated, x-edge-* fields)",
                            Variant::cloudfront);

const BuiltinFormat kW3cFormats[] = {
    {"cloudfront", &kCloudFront, 190, true},
    {"iis_httperr", &kHttpErr, 195, true},
    {"w3c", &kW3c, 200, true},
    {"iis", &kW3c, 0, false},
};

}  // namespace

std::span<const BuiltinFormat> w3c_formats() { return kW3cFormats; }

}  // namespace logcodes
