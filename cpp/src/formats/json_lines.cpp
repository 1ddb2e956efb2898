#include "logcodes/formats/json_lines.hpp"

#include <simdjson.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "logcodes/fields.hpp"
#include "logcodes/formats/access_log.hpp"
#include "logcodes/formats/token_format.hpp"

namespace logcodes {

namespace {

namespace od = simdjson::ondemand;

struct RoleName {
    std::string_view name;
    Role role;
};
constexpr RoleName kRoles[] = {
    {"status", Role::status},     {"method", Role::method},   {"target", Role::target}, {"uri", Role::target},
    {"path", Role::path},         {"host", Role::host},       {"client", Role::client}, {"time", Role::time},
    {"duration", Role::duration}, {"bytes", Role::bytes},     {"request", Role::request},
    {"upstream_status", Role::upstream_status},               {"protocol", Role::protocol},
};

struct JsonField {
    std::string path;      // dotted JSON path
    Role role = Role::extra;
    FieldId id = kNoField; // the named field (its own name for extras, the JSON path for roles)
    int rank = 0;          // among several paths of one role, the lower wins
};

struct Preset {
    std::string name;
    std::string description;
    std::vector<std::pair<std::string, std::vector<std::string>>> map;
    TimeSyntax time = TimeSyntax::any;
    DurationUnit unit = DurationUnit::none;
    std::vector<std::string> signature;   // paths that must be present for an exact (detection) match
    std::string logger_path;              // lines whose logger does not start with logger_prefix are meta
    std::string logger_prefix;
};

class JsonFormat final : public Format {
public:
    explicit JsonFormat(Preset p) : preset_(std::move(p)) {
        for (const auto& [name, paths] : preset_.map) {
            Role role = Role::extra;
            for (const auto& r : kRoles)
                if (r.name == name) role = r.role;
            int rank = 0;
            for (const auto& path : paths) {
                JsonField f;
                f.path = path;
                f.role = role;
                f.rank = rank++;
                f.id = intern_field(role == Role::extra ? name : path);
                index_.emplace(path, fields_.size());
                fields_.push_back(std::move(f));
                for (std::size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', dot + 1))
                    prefixes_.insert(path.substr(0, dot));
            }
        }
        for (const auto& s : preset_.signature) signature_ids_.push_back(s);
        if (!preset_.logger_path.empty()) {
            // The logger may also be a named field: then that field tells the logger too.
            auto [it, fresh] = index_.emplace(preset_.logger_path, kLogger);
            logger_field_ = fresh ? kLogger : it->second;
            for (std::size_t dot = preset_.logger_path.find('.'); dot != std::string::npos;
                 dot = preset_.logger_path.find('.', dot + 1))
                prefixes_.insert(preset_.logger_path.substr(0, dot));
        }
    }
    std::string_view name() const noexcept override { return preset_.name; }
    std::string_view description() const noexcept override { return preset_.description; }
    std::unique_ptr<Parser> make_parser() const override;
    bool strict(std::string_view line, const Record& r) const noexcept override;
    std::vector<std::string> field_names() const override {
        std::vector<std::string> out;
        for (const auto& f : fields_) out.push_back(field_name(f.id));
        return out;
    }

    static constexpr std::size_t kLogger = static_cast<std::size_t>(-1);
    const Preset& preset() const noexcept { return preset_; }
    const std::vector<JsonField>& fields() const noexcept { return fields_; }
    const std::unordered_map<std::string, std::size_t>& index() const noexcept { return index_; }
    bool is_prefix(const std::string& p) const { return prefixes_.count(p) != 0; }
    std::size_t logger_field() const noexcept { return logger_field_; }

private:
    Preset preset_;
    std::vector<JsonField> fields_;
    std::unordered_map<std::string, std::size_t> index_;
    std::unordered_set<std::string> prefixes_;
    std::vector<std::string> signature_ids_;
    std::size_t logger_field_ = kLogger;
};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r' || s.back() == ','))
        s.remove_suffix(1);
    return s;
}

class JsonParser final : public Parser {
public:
    explicit JsonParser(const JsonFormat& f) : format_(f), seen_rank_(f.fields().size()) {}

    ParseResult parse(std::string_view line, Record& out) override {
        const std::size_t brace = line.find('{');
        if (brace == std::string_view::npos) return ParseResult::unparsed;
        const std::string_view json = line.substr(brace);  // docker/syslog prefixes are skipped
        present_.clear();
        logger_ = {};
        have_logger_ = false;
        out.clear();
        std::fill(best_.begin(), best_.end(), INT32_MAX);
        od::document doc;
        if (parser_.iterate(simdjson::padded_string_view(json.data(), json.size(), json.size() + kLinePadding)).get(doc))
            return ParseResult::unparsed;
        od::object obj;
        if (doc.get_object().get(obj)) return ParseResult::unparsed;
        path_.clear();
        const bool ok = walk(obj, out, 0);
        // The same program's other lines (startup, TLS, admin): valid JSON without the access logger.
        if (!preset().logger_path.empty() && (!have_logger_ || !logger_.starts_with(preset().logger_prefix)))
            return ok ? ParseResult::meta : ParseResult::unparsed;
        if (out.status.empty()) {
            // Invalid JSON after the status was read still gives a record; without a status it is not one.
            return ParseResult::unparsed;
        }
        out.time_syntax = out.time.empty() ? TimeSyntax::none : preset().time;
        if (!out.duration.empty()) out.duration_unit = preset().unit;
        return ParseResult::record;
    }

    bool has(const std::string& path) const { return present_.count(path) != 0; }

private:
    const Preset& preset() const { return format_.preset(); }

    // One pass over an object; false when the JSON turned out to be broken.
    bool walk(od::object& obj, Record& out, int depth) {
        if (depth > 8) return true;
        for (auto item : obj) {
            od::field field;
            if (std::move(item).get(field)) return false;
            std::string_view key;
            if (field.unescaped_key().get(key)) return false;
            const std::size_t mark = path_.size();
            if (mark) path_.push_back('.');
            path_.append(key);
            od::value v = field.value();
            auto hit = format_.index().find(path_);
            if (hit != format_.index().end()) {
                present_.insert(path_);
                if (!take(hit->second, v, out)) {
                    path_.resize(mark);
                    return false;
                }
            } else if (format_.is_prefix(path_)) {
                od::object inner;
                if (v.get_object().get(inner) == simdjson::SUCCESS && !walk(inner, out, depth + 1)) {
                    path_.resize(mark);
                    return false;
                }
            }
            path_.resize(mark);
        }
        return true;
    }

    // The text of a leaf: strings unescaped, numbers as written, the first string of an array.
    bool text(od::value& v, std::string_view& out) {
        od::json_type t;
        if (v.type().get(t)) return false;
        switch (t) {
            case od::json_type::string: return v.get_string().get(out) == simdjson::SUCCESS;
            case od::json_type::number: out = trim(v.raw_json_token()); return true;
            case od::json_type::array: {
                od::array a;
                if (v.get_array().get(a)) return false;
                for (auto el : a) {
                    std::string_view s;
                    if (el.get_string().get(s) == simdjson::SUCCESS) out = s;
                    break;
                }
                return true;
            }
            default: out = {}; return true;  // null, true/false, objects: no text
        }
    }

    bool take(std::size_t index, od::value& v, Record& out) {
        std::string_view s;
        if (index == JsonFormat::kLogger) {
            if (!text(v, s)) return false;
            logger_ = s;
            have_logger_ = true;
            return true;
        }
        const JsonField& f = format_.fields()[index];
        if (index == format_.logger_field() && !preset().logger_path.empty()) {
            if (!text(v, s)) return false;
            logger_ = s;
            have_logger_ = true;
            out.add_extra(f.id, s);
            return true;
        }
        if (!text(v, s)) {
            // A bad token where a number stands ("status":009): keep what is written, then stop reading.
            if (f.role != Role::status) return false;
            s = trim(v.raw_json_token());
            out.status = s;
            out.add_extra(f.id, s);
            return false;
        }
        out.add_extra(f.id, s);
        const auto role_index = static_cast<std::size_t>(f.role);
        if (role_index < best_.size() && f.rank >= best_[role_index]) return true;  // a preferred path won already
        if (s.empty() && f.role != Role::extra && f.role != Role::upstream_status) return true;
        if (role_index < best_.size()) best_[role_index] = f.rank;
        switch (f.role) {
            case Role::extra: case Role::protocol: break;
            case Role::status: out.status = s; break;
            case Role::method: out.method = s; break;
            case Role::target: out.target = s; break;
            case Role::path: out.path_only = s; break;
            case Role::host: out.host = s; break;
            case Role::client: out.client = s; break;
            case Role::time: out.time = s; break;
            case Role::duration: out.duration = s; break;
            case Role::bytes: out.bytes = s; break;
            // nginx escape=json writes "" where the plain log has "-": either way no upstream was involved.
            case Role::upstream_status: out.upstream_status = s.empty() ? std::string_view("-") : s; break;
            case Role::request: {
                const std::string_view m = out.method, t = out.target;
                split_request(s, out);
                if (!m.empty()) out.method = m;
                if (!t.empty()) out.target = t;
                break;
            }
        }
        return true;
    }

    const JsonFormat& format_;
    od::parser parser_;
    std::string path_;
    std::unordered_set<std::string> present_;
    std::string_view logger_;
    bool have_logger_ = false;
    std::vector<int> seen_rank_;
    std::array<int, 16> best_{};
};

std::unique_ptr<Parser> JsonFormat::make_parser() const { return std::make_unique<JsonParser>(*this); }

bool JsonFormat::strict(std::string_view line, const Record& r) const noexcept {
    if (r.status.size() != 3) return false;
    if (preset_.signature.empty()) return true;
    // Re-read the keys present (detection only: not on the scanning path).
    JsonParser p(*this);
    Record tmp;
    tmp.clear();
    if (p.parse(line, tmp) != ParseResult::record) return false;
    for (const auto& s : preset_.signature)
        if (!p.has(s)) return false;
    return true;
}

using Map = std::vector<std::pair<std::string, std::vector<std::string>>>;

std::vector<Preset> presets() {
    std::vector<Preset> v;
    v.push_back({"caddy_json", "Caddy 2 JSON access log (http.log.access)",
                 Map{{"status", {"status"}},
                     {"method", {"request.method"}},
                     {"target", {"request.uri"}},
                     {"host", {"request.host"}},
                     {"client", {"request.client_ip", "request.remote_ip"}},
                     {"protocol", {"request.proto"}},
                     {"time", {"ts"}},
                     {"duration", {"duration"}},
                     {"bytes", {"size"}},
                     {"user_agent", {"request.headers.User-Agent"}},
                     {"logger", {"logger"}},
                     {"upstream_status", {"resp_headers.X-Upstream-Status"}}},
                 TimeSyntax::epoch, DurationUnit::seconds, {"request.uri", "status", "duration"}, "logger",
                 "http.log.access"});
    v.push_back({"traefik_json", "Traefik v2/v3 JSON access log",
                 Map{{"status", {"DownstreamStatus"}},
                     {"upstream_status", {"OriginStatus"}},
                     {"method", {"RequestMethod"}},
                     {"target", {"RequestPath"}},
                     {"host", {"RequestHost"}},
                     {"client", {"ClientHost"}},
                     {"protocol", {"RequestProtocol"}},
                     {"time", {"StartUTC", "time"}},
                     {"duration", {"Duration"}},
                     {"bytes", {"DownstreamContentSize"}},
                     {"router", {"RouterName"}},
                     {"service", {"ServiceName"}},
                     {"user_agent", {"request_User-Agent"}}},
                 TimeSyntax::iso8601, DurationUnit::nanoseconds, {"DownstreamStatus"}, "", ""});
    v.push_back({"ecs_json", "Elastic Common Schema (ECS) HTTP events",
                 Map{{"status", {"http.response.status_code"}},
                     {"method", {"http.request.method"}},
                     {"path", {"url.path"}},
                     {"target", {"url.original"}},
                     {"query", {"url.query"}},
                     {"host", {"url.domain", "host.name"}},
                     {"client", {"source.ip", "source.address", "client.ip"}},
                     {"time", {"@timestamp"}},
                     {"duration", {"event.duration"}},
                     {"bytes", {"http.response.body.bytes"}},
                     {"user_agent", {"user_agent.original"}}},
                 TimeSyntax::iso8601, DurationUnit::nanoseconds, {"http.response.status_code"}, "", ""});
    v.push_back({"envoy_json", "Envoy JSON access log (keys as in Envoy's and Istio's documentation)",
                 Map{{"status", {"response_code"}},
                     {"method", {"method"}},
                     {"target", {"path"}},
                     {"protocol", {"protocol"}},
                     {"host", {"authority"}},
                     {"client", {"downstream_remote_address", "x_forwarded_for"}},
                     {"time", {"start_time"}},
                     {"duration", {"duration"}},
                     {"bytes", {"bytes_sent"}},
                     {"response_flags", {"response_flags"}},
                     {"response_code_details", {"response_code_details"}},
                     {"upstream_host", {"upstream_host"}},
                     {"upstream_cluster", {"upstream_cluster"}},
                     {"user_agent", {"user_agent"}},
                     {"request_id", {"request_id", "x_request_id"}}},
                 TimeSyntax::iso8601, DurationUnit::milliseconds, {"response_code", "response_flags"}, "", ""});
    v.push_back({"nginx_json", "nginx access log written with log_format escape=json (keys named after variables)",
                 Map{{"status", {"status"}},
                     {"request", {"request"}},
                     {"method", {"request_method"}},
                     {"target", {"request_uri"}},
                     {"path", {"uri"}},
                     {"host", {"host", "http_host", "server_name"}},
                     {"client", {"remote_addr"}},
                     {"time", {"time_iso8601", "time_local", "msec", "time", "timestamp", "@timestamp"}},
                     {"duration", {"request_time"}},
                     {"bytes", {"body_bytes_sent", "bytes_sent"}},
                     {"upstream_status", {"upstream_status"}},
                     {"upstream_addr", {"upstream_addr"}},
                     {"upstream_response_time", {"upstream_response_time"}},
                     {"request_id", {"request_id"}},
                     {"http_user_agent", {"http_user_agent"}},
                     {"http_referer", {"http_referer"}}},
                 TimeSyntax::any, DurationUnit::seconds, {"status", "remote_addr"}, "", ""});
    v.push_back({"json", "JSON lines with a status under a common key (status, response_code, status_code, ...)",
                 Map{{"status", {"status", "response_code", "status_code", "statusCode", "http.response.status_code",
                                 "resp.status", "response.status", "DownstreamStatus", "sc-status", "http_status"}},
                     {"method", {"method", "request_method", "http.request.method", "req.method", "request.method",
                                 "RequestMethod"}},
                     {"target", {"uri", "url", "request_uri", "path", "request.uri", "req.url", "RequestPath",
                                 "url.original"}},
                     {"host", {"host", "hostname", "authority", "request.host", "RequestHost", "url.domain"}},
                     {"request", {"request"}},
                     {"time", {"time", "timestamp", "@timestamp", "ts", "time_iso8601", "time_local"}},
                     {"duration", {"duration", "request_time", "elapsed", "latency"}},
                     {"upstream_status", {"upstream_status", "OriginStatus"}}},
                 TimeSyntax::any, DurationUnit::none, {}, "", ""});
    return v;
}

struct Builtins {
    std::vector<std::unique_ptr<JsonFormat>> formats;
    std::vector<BuiltinFormat> list;
    Builtins() {
        int priority = 100;
        for (auto& p : presets()) {
            const bool generic = p.name == "json";
            formats.push_back(std::make_unique<JsonFormat>(std::move(p)));
            list.push_back({formats.back()->name(), formats.back().get(), generic ? 190 : priority, true});
            priority += 10;
        }
    }
};

}  // namespace

std::span<const BuiltinFormat> json_formats() {
    static const Builtins b;
    return b.list;
}

CompileResult compile_json(const std::vector<std::pair<std::string, std::vector<std::string>>>& fields, std::string name) {
    CompileResult r;
    bool status = false;
    for (const auto& [key, paths] : fields) {
        if (key.empty()) {
            r.error = "a field needs a name";
            return r;
        }
        if (paths.empty()) {
            r.error = "field '" + key + "' has no JSON path";
            r.token = key;
            return r;
        }
        for (const auto& p : paths) {
            if (p.empty() || p.front() == '.' || p.back() == '.' || p.find("..") != std::string::npos) {
                r.error = "bad JSON path '" + p + "' for '" + key + "' (use keys joined by '.')";
                r.token = p;
                return r;
            }
        }
        status = status || key == "status";
    }
    if (!status) {
        r.error = "the field map needs a 'status' entry";
        return r;
    }
    Preset p;
    p.name = std::move(name);
    p.description = "JSON lines with a user field map";
    p.map = fields;
    r.format = std::make_shared<JsonFormat>(std::move(p));
    return r;
}

}  // namespace logcodes
