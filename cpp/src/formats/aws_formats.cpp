// AWS load balancer access logs and CloudFront real-time logs as token formats, with roles for their fields.
#include <algorithm>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "logcodes/formats/compilers.hpp"
#include "logcodes/formats/proxies.hpp"
#include "logcodes/formats/token_format.hpp"

namespace logcodes {

std::span<const BuiltinFormat> haproxy_formats();  // haproxy_log.cpp

namespace {

struct Override {
    std::string_view name;
    Role role;
    TimeSyntax time = TimeSyntax::none;
    DurationUnit unit = DurationUnit::none;
    int host_rank = 0;
};

// A token format written in nginx's notation, with the library roles of its fields given here.
FormatPtr token_preset(std::string_view text, std::string name, std::string description,
                       std::initializer_list<Override> overrides) {
    std::string quoted = "'";
    quoted.append(text).append("'");
    std::string ignored;
    std::vector<TokenItem> items;
    nginx_items(quoted, name, ignored, items);
    for (auto& it : items) {
        if (it.is_literal) continue;
        it.field.role = Role::extra;
        // AWS's own reading of these logs (the Athena User Guide's table for ALB logs) takes a quoted field
        // other than the request to end at the next quote (\"([^\"]*)\"), and newer fields as optional.
        it.field.closed = it.field.name != "request";
        for (const auto& o : overrides) {
            if (it.field.name == o.name) {
                it.field.role = o.role;
                it.field.time_syntax = o.time;
                it.field.unit = o.unit;
                it.field.host_rank = o.host_rank;
            }
        }
    }
    return build_token_format(std::move(name), std::move(description), std::move(items)).format;
}

// The AWS logs gained fields over the years: an exact match is the type/time/status shape, not the count.
class AwsFormat final : public Format {
public:
    AwsFormat(FormatPtr inner, bool alb) : inner_(std::move(inner)), alb_(alb) {}
    std::string_view name() const noexcept override { return inner_->name(); }
    std::string_view description() const noexcept override { return inner_->description(); }
    bool parse(std::string_view line, Record& out) const noexcept override { return inner_->parse(line, out); }
    std::vector<std::string> field_names() const override { return inner_->field_names(); }
    bool strict(std::string_view line, const Record& r) const noexcept override {
        if (r.time_syntax != TimeSyntax::iso8601 || r.time.size() < 20 || r.time[10] != 'T') return false;
        if (alb_) {
            const std::string_view type = line.substr(0, line.find(' '));
            if (type != "http" && type != "https" && type != "h2" && type != "grpcs" && type != "ws" && type != "wss")
                return false;
        } else if (line.substr(0, 4).find_first_not_of("0123456789") != std::string_view::npos) {
            return false;  // Classic ELB lines start with the timestamp
        }
        return r.status.size() == 3 || r.status == "-";
    }

private:
    FormatPtr inner_;
    bool alb_;
};

constexpr std::string_view kAlb =
    "$type $time $elb $client_port $target_port $request_processing_time $target_processing_time "
    "$response_processing_time $elb_status_code $target_status_code $received_bytes $sent_bytes \"$request\" "
    "\"$user_agent\" $ssl_cipher $ssl_protocol $target_group_arn \"$trace_id\" \"$domain_name\" \"$chosen_cert_arn\" "
    "$matched_rule_priority $request_creation_time \"$actions_executed\" \"$redirect_url\" \"$error_reason\" "
    "\"$target_port_list\" \"$target_status_code_list\" \"$classification\" \"$classification_reason\" $conn_trace_id";

constexpr std::string_view kElb =
    "$time $elb $client_port $backend_port $request_processing_time $backend_processing_time "
    "$response_processing_time $elb_status_code $backend_status_code $received_bytes $sent_bytes \"$request\" "
    "\"$user_agent\" $ssl_cipher $ssl_protocol";

// CloudFront real-time logs (awsdocs/amazon-cloudfront-developer-guide doc_source/real-time-logs.md, "Fields"):
// tab-separated, always in this order; a configuration keeps some of them (all by default) and later
// CloudFront versions add fields at the end. timestamp is epoch seconds with milliseconds, time-taken and
// time-to-first-byte are seconds, cs-uri-stem holds the query, sc-status is 000 when the viewer left first.
constexpr std::string_view kCloudFrontRealtime[] = {
    "timestamp", "c-ip", "time-to-first-byte", "sc-status", "sc-bytes", "cs-method", "cs-protocol", "cs-host",
    "cs-uri-stem", "cs-bytes", "x-edge-location", "x-edge-request-id", "x-host-header", "time-taken",
    "cs-protocol-version", "c-ip-version", "cs-user-agent", "cs-referer", "cs-cookie", "cs-uri-query",
    "x-edge-response-result-type", "x-forwarded-for", "ssl-protocol", "ssl-cipher", "x-edge-result-type",
    "fle-encrypted-fields", "fle-status", "sc-content-type", "sc-content-len", "sc-range-start", "sc-range-end",
    "c-port", "x-edge-detailed-result-type", "c-country", "cs-accept-encoding", "cs-accept",
    "cache-behavior-path-pattern", "cs-headers", "cs-header-names", "cs-headers-count"};

// The fields chosen (indices into kCloudFrontRealtime, ascending) as a tab-separated token format.
CompileResult cloudfront_realtime_of(const std::vector<std::size_t>& chosen, std::string name, std::string description) {
    std::vector<TokenItem> items;
    for (std::size_t index : chosen) {
        const std::string_view field = kCloudFrontRealtime[index];
        if (!items.empty()) {
            TokenItem tab;
            tab.is_literal = true;
            tab.literal = "\t";
            items.push_back(std::move(tab));
        }
        TokenItem f;
        f.field.name = std::string(field);
        f.field.position = index;
        f.field.spaces = true;  // tabs separate the fields
        if (field == "timestamp") { f.field.role = Role::time; f.field.time_syntax = TimeSyntax::epoch; }
        else if (field == "c-ip") f.field.role = Role::client;
        else if (field == "sc-status") f.field.role = Role::status;
        else if (field == "sc-bytes") f.field.role = Role::bytes;
        else if (field == "cs-method") f.field.role = Role::method;
        else if (field == "cs-host") { f.field.role = Role::host; f.field.host_rank = 2; }
        else if (field == "cs-uri-stem") f.field.role = Role::target;
        else if (field == "time-taken") { f.field.role = Role::duration; f.field.unit = DurationUnit::seconds; }
        else if (field == "cs-protocol-version") f.field.role = Role::protocol;
        items.push_back(std::move(f));
    }
    return build_token_format(std::move(name), std::move(description), std::move(items));
}

FormatPtr cloudfront_realtime() {
    std::vector<std::size_t> all(std::size(kCloudFrontRealtime));
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    return cloudfront_realtime_of(all, "cloudfront_realtime", "Amazon CloudFront real-time log (all fields, tab-separated)")
        .format;
}

// Detection: the record's shape (epoch timestamp, a client, a three-digit status, at least the fields up to
// time-taken) rather than the whole field list, which CloudFront grows.
class CloudFrontRealtimeFormat final : public Format {
public:
    explicit CloudFrontRealtimeFormat(FormatPtr inner) : inner_(std::move(inner)) {}
    std::string_view name() const noexcept override { return inner_->name(); }
    std::string_view description() const noexcept override { return inner_->description(); }
    TimeSyntax time_syntax() const noexcept override { return TimeSyntax::epoch; }
    bool parse(std::string_view line, Record& out) const noexcept override { return inner_->parse(line, out); }
    std::vector<std::string> field_names() const override { return inner_->field_names(); }
    bool strict(std::string_view line, const Record& r) const noexcept override {
        const std::string_view t = r.time;
        const std::size_t dot = t.find('.');
        if (dot == std::string_view::npos || dot < 9 || t.find_first_not_of("0123456789.") != std::string_view::npos)
            return false;
        if (r.status.size() != 3 || r.client.empty()) return false;
        std::size_t tabs = 0;
        for (char c : line) tabs += c == '\t';
        return tabs >= 13;  // timestamp ... time-taken
    }

private:
    FormatPtr inner_;
};

struct Aws {
    AwsFormat alb{token_preset(kAlb, "alb", "AWS Application Load Balancer access log",
                               {{"time", Role::time, TimeSyntax::iso8601},
                                {"client_port", Role::client},
                                {"target_processing_time", Role::duration, TimeSyntax::none, DurationUnit::seconds},
                                {"elb_status_code", Role::status},
                                {"target_status_code", Role::upstream_status},
                                {"sent_bytes", Role::bytes},
                                {"request", Role::request},
                                {"domain_name", Role::host, TimeSyntax::none, DurationUnit::none, 2}}),
                  true};
    AwsFormat elb{token_preset(kElb, "elb_classic", "AWS Classic Load Balancer access log",
                               {{"time", Role::time, TimeSyntax::iso8601},
                                {"client_port", Role::client},
                                {"backend_processing_time", Role::duration, TimeSyntax::none, DurationUnit::seconds},
                                {"elb_status_code", Role::status},
                                {"backend_status_code", Role::upstream_status},
                                {"sent_bytes", Role::bytes},
                                {"request", Role::request}}),
                  false};
    CloudFrontRealtimeFormat cloudfront_rt{cloudfront_realtime()};
    std::vector<BuiltinFormat> list;
    Aws() {
        list = {{"alb", &alb, 150, true}, {"elb_classic", &elb, 160, true}, {"cloudfront_realtime", &cloudfront_rt, 170, true}};
        for (const auto& b : haproxy_formats()) list.push_back(b);
    }
};

}  // namespace

// A real-time log configuration's fields, in any order and separated by commas, spaces or newlines (as the
// console lists them or `aws cloudfront get-realtime-log-config` prints them): records hold them in the
// documented order, whatever order the configuration names them in.
CompileResult compile_cloudfront_realtime(std::string_view text, std::string name) {
    std::vector<std::size_t> chosen;
    std::size_t p = 0;
    while (p < text.size()) {
        const char c = text[p];
        const bool dash = c == '-' && (p + 1 == text.size() || text[p + 1] == ' ');  // a YAML list's "- "
        if (dash || c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '[' ||
            c == ']') {
            ++p;
            continue;
        }
        std::size_t e = p;
        while (e < text.size() && text[e] != ',' && text[e] != ' ' && text[e] != '\t' && text[e] != '\n' &&
               text[e] != '\r' && text[e] != '"' && text[e] != '\'' && text[e] != ']')
            ++e;
        const std::string_view word = text.substr(p, e - p);
        std::size_t index = std::size(kCloudFrontRealtime);
        for (std::size_t i = 0; i < std::size(kCloudFrontRealtime); ++i)
            if (kCloudFrontRealtime[i] == word) index = i;
        if (index == std::size(kCloudFrontRealtime))
            return compile_error("not a CloudFront real-time log field", p, std::string(word));
        if (std::find(chosen.begin(), chosen.end(), index) != chosen.end())
            return compile_error("field named twice", p, std::string(word));
        chosen.push_back(index);
        p = e;
    }
    if (chosen.empty()) return compile_error("no fields named", 0, std::string(text));
    std::sort(chosen.begin(), chosen.end());
    std::string fields;
    for (std::size_t i : chosen) fields.append(fields.empty() ? "" : " ").append(kCloudFrontRealtime[i]);
    return cloudfront_realtime_of(chosen, name.empty() ? "cloudfront_realtime" : std::move(name),
                                  "CloudFront real-time log with the fields " + fields);
}

std::span<const BuiltinFormat> proxy_formats() {
    static const Aws aws;
    return aws.list;
}

}  // namespace logcodes
