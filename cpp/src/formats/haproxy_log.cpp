// HAProxy's HTTP log (option httplog), plain or inside a syslog line:
//   client:port [accept_date] frontend backend/server [extra...] Tq/Tw/Tc/Tr/Ta status bytes cookie cookie
//   termination_state actconn/feconn/beconn/srv_conn/retries srv_queue/backend_queue [{hdrs}] [{hdrs}] "request"
// The proxy's other lines (start-up, health checks, TLS failures, TCP logs) are meta.
#include <array>
#include <string_view>

#include "logcodes/fields.hpp"
#include "logcodes/formats/access_log.hpp"
#include "logcodes/formats/builtin.hpp"
#include "logcodes/formats/format.hpp"

namespace logcodes {

namespace {

bool digits_or_minus(std::string_view t) {
    if (t.empty()) return false;
    for (char c : t)
        if (!((c >= '0' && c <= '9') || c == '-' || c == '+')) return false;
    return true;
}

// "a/b/c/d/e": `parts` numbers (or -1) joined by '/'.
bool slashed(std::string_view t, int parts) {
    int n = 1;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= t.size(); ++i) {
        if (i == t.size() || t[i] == '/') {
            if (!digits_or_minus(t.substr(start, i - start))) return false;
            if (i < t.size()) ++n;
            start = i + 1;
        }
    }
    return n == parts;
}

std::string_view next_token(std::string_view s, std::size_t& p) {
    while (p < s.size() && s[p] == ' ') ++p;
    const std::size_t b = p;
    while (p < s.size() && s[p] != ' ') ++p;
    return s.substr(b, p - b);
}

struct Ids {
    FieldId frontend = intern_field("frontend"), backend = intern_field("backend"), server = intern_field("server"),
            timers = intern_field("timers"), termination = intern_field("termination_state"),
            conns = intern_field("connections"), queues = intern_field("queues"), extra = intern_field("haproxy_extra"),
            req_headers = intern_field("captured_request_headers"),
            resp_headers = intern_field("captured_response_headers");
};
const Ids& ids() {
    static const Ids i;
    return i;
}

class HaproxyFormat;

class HaproxyParser final : public Parser {
public:
    ParseResult parse(std::string_view line, Record& out) override;
};

class HaproxyFormat final : public Format {
public:
    std::string_view name() const noexcept override { return "haproxy_http"; }
    std::string_view description() const noexcept override {
        return "HAProxy HTTP log (option httplog), plain or in syslog";
    }
    std::unique_ptr<Parser> make_parser() const override { return std::make_unique<HaproxyParser>(); }
    std::vector<std::string> field_names() const override {
        return {"frontend", "backend", "server", "timers", "termination_state", "connections", "queues",
                "captured_request_headers", "captured_response_headers"};
    }
};

ParseResult HaproxyParser::parse(std::string_view line, Record& out) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // Past a syslog prefix: "... haproxy[123]: ".
    bool marked = false;
    const std::size_t tag = line.find("]: ");
    if (tag != std::string_view::npos) {
        const std::size_t open = line.rfind('[', tag);
        if (open != std::string_view::npos && open > 0) {
            marked = true;
            line = line.substr(tag + 3);
        }
    }
    std::size_t p = 0;
    const std::string_view client = next_token(line, p);
    const std::string_view date = next_token(line, p);
    const std::string_view frontend = next_token(line, p);
    const std::string_view backend = next_token(line, p);
    const auto other = [&] { return marked ? ParseResult::meta : ParseResult::unparsed; };
    if (client.find(':') == std::string_view::npos || date.size() < 3 || date.front() != '[' || date.back() != ']')
        return other();
    // Custom log formats may put fields between backend/server and the timers: skip up to 4 of them.
    const std::size_t extra_start = p;
    std::string_view timers;
    for (int i = 0; i < 5; ++i) {
        const std::string_view t = next_token(line, p);
        if (slashed(t, 5)) {
            timers = t;
            break;
        }
    }
    if (timers.empty()) return other();  // a TCP log, a TLS failure, a start-up message
    const std::string_view extra = line.substr(extra_start, p - timers.size() - extra_start);
    const std::string_view status = next_token(line, p);
    const std::string_view bytes = next_token(line, p);
    next_token(line, p);  // captured request cookie
    next_token(line, p);  // captured response cookie
    const std::string_view termination = next_token(line, p);
    const std::string_view conns = next_token(line, p);
    const std::string_view queues = next_token(line, p);
    if (!digits_or_minus(status) || !slashed(conns, 5) || !slashed(queues, 2)) return other();

    out.clear();
    out.client = client;
    out.time = date.substr(1, date.size() - 2);
    out.time_syntax = TimeSyntax::clf;
    out.status = status;
    out.bytes = bytes;
    const std::size_t last_slash = timers.rfind('/');
    out.duration = timers.substr(last_slash + 1);
    out.duration_unit = DurationUnit::milliseconds;
    const Ids& i = ids();
    out.add_extra(i.frontend, frontend);
    const std::size_t slash = backend.find('/');
    out.add_extra(i.backend, backend.substr(0, slash));
    out.add_extra(i.server, slash == std::string_view::npos ? std::string_view{} : backend.substr(slash + 1));
    out.add_extra(i.timers, timers);
    out.add_extra(i.termination, termination);
    out.add_extra(i.conns, conns);
    out.add_extra(i.queues, queues);
    std::string_view trimmed_extra = extra;
    while (!trimmed_extra.empty() && trimmed_extra.back() == ' ') trimmed_extra.remove_suffix(1);
    while (!trimmed_extra.empty() && trimmed_extra.front() == ' ') trimmed_extra.remove_prefix(1);
    out.add_extra(i.extra, trimmed_extra);
    if (!trimmed_extra.empty() && trimmed_extra.find(' ') == std::string_view::npos &&
        trimmed_extra.find('.') != std::string_view::npos)
        out.host = trimmed_extra;  // a host name logged there (a common custom format)

    // Optional captured headers, then the quoted request (which HAProxy may truncate without a quote).
    int group = 0;
    while (p < line.size()) {
        while (p < line.size() && line[p] == ' ') ++p;
        if (p >= line.size()) break;
        if (line[p] == '{') {
            const std::size_t close = line.find('}', p);
            if (close == std::string_view::npos) break;
            out.add_extra(group++ == 0 ? i.req_headers : i.resp_headers, line.substr(p + 1, close - p - 1));
            p = close + 1;
            continue;
        }
        if (line[p] == '"') {
            std::string_view req = line.substr(p + 1);
            if (!req.empty() && req.back() == '"') req.remove_suffix(1);
            split_request(req, out);
        }
        break;
    }
    return ParseResult::record;
}

const HaproxyFormat kHaproxy;
const BuiltinFormat kHaproxyFormats[] = {{"haproxy_http", &kHaproxy, 170, true}, {"haproxy", &kHaproxy, 0, false}};

}  // namespace

std::span<const BuiltinFormat> haproxy_formats() { return kHaproxyFormats; }

}  // namespace logcodes
