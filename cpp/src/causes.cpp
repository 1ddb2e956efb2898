#include "logcodes/causes.hpp"

#include <array>
#include <cctype>
#include <span>

#include "logcodes/fields.hpp"
#include "logcodes/q850.hpp"
#include "logcodes/sip_reason.hpp"
#include "logcodes/upstream.hpp"

namespace logcodes {

namespace {

struct Named {
    std::string_view key;
    std::string_view slug;
    std::string_view label;
};

// IIS status.substatus (Microsoft's "HTTP status code in IIS" list).
constexpr Named kIis[] = {
    {"401.1", "iis_401_1_logon_failed", "IIS 401.1: logon failed"},
    {"401.2", "iis_401_2_server_config", "IIS 401.2: logon failed due to server configuration"},
    {"401.3", "iis_401_3_acl", "IIS 401.3: unauthorized by an ACL on the resource"},
    {"401.4", "iis_401_4_filter", "IIS 401.4: authorization failed by a filter"},
    {"401.5", "iis_401_5_isapi", "IIS 401.5: authorization failed by an ISAPI/CGI application"},
    {"403.1", "iis_403_1_execute_forbidden", "IIS 403.1: execute access forbidden"},
    {"403.2", "iis_403_2_read_forbidden", "IIS 403.2: read access forbidden"},
    {"403.3", "iis_403_3_write_forbidden", "IIS 403.3: write access forbidden"},
    {"403.4", "iis_403_4_ssl_required", "IIS 403.4: SSL required"},
    {"403.6", "iis_403_6_ip_rejected", "IIS 403.6: IP address rejected"},
    {"403.7", "iis_403_7_client_cert_required", "IIS 403.7: client certificate required"},
    {"403.8", "iis_403_8_site_denied", "IIS 403.8: site access denied"},
    {"403.14", "iis_403_14_directory_listing", "IIS 403.14: directory listing denied"},
    {"403.16", "iis_403_16_cert_untrusted", "IIS 403.16: client certificate untrusted or invalid"},
    {"403.17", "iis_403_17_cert_expired", "IIS 403.17: client certificate expired or not yet valid"},
    {"403.18", "iis_403_18_app_pool", "IIS 403.18: cannot run the URL in this application pool"},
    {"403.502", "iis_403_502_dynamic_ip", "IIS 403.502: dynamic IP restriction (too many requests)"},
    {"403.503", "iis_403_503_ip_restriction", "IIS 403.503: IP restriction"},
    {"404.0", "iis_404_0_not_found", "IIS 404.0: not found"},
    {"404.1", "iis_404_1_site_not_found", "IIS 404.1: site not found"},
    {"404.2", "iis_404_2_isapi_cgi_restriction", "IIS 404.2: ISAPI or CGI restriction"},
    {"404.3", "iis_404_3_mime_map", "IIS 404.3: MIME type restriction"},
    {"404.4", "iis_404_4_no_handler", "IIS 404.4: no handler configured"},
    {"404.5", "iis_404_5_url_sequence_denied", "IIS 404.5: request filtering: URL sequence denied"},
    {"404.6", "iis_404_6_verb_denied", "IIS 404.6: request filtering: verb denied"},
    {"404.7", "iis_404_7_extension_denied", "IIS 404.7: request filtering: file extension denied"},
    {"404.8", "iis_404_8_hidden_namespace", "IIS 404.8: request filtering: hidden namespace"},
    {"404.10", "iis_404_10_header_too_long", "IIS 404.10: request filtering: header too long"},
    {"404.11", "iis_404_11_double_escape", "IIS 404.11: request filtering: double escape sequence"},
    {"404.12", "iis_404_12_high_bit", "IIS 404.12: request filtering: high-bit characters"},
    {"404.13", "iis_404_13_content_too_long", "IIS 404.13: request filtering: content length too large"},
    {"404.14", "iis_404_14_url_too_long", "IIS 404.14: request filtering: URL too long"},
    {"404.15", "iis_404_15_query_too_long", "IIS 404.15: request filtering: query string too long"},
    {"404.19", "iis_404_19_filtering_rule", "IIS 404.19: denied by a request filtering rule"},
    {"500.0", "iis_500_0_module_error", "IIS 500.0: module or ISAPI error"},
    {"500.11", "iis_500_11_app_shutting_down", "IIS 500.11: application shutting down"},
    {"500.12", "iis_500_12_app_restarting", "IIS 500.12: application restarting"},
    {"500.13", "iis_500_13_server_too_busy", "IIS 500.13: web server too busy"},
    {"500.19", "iis_500_19_invalid_configuration", "IIS 500.19: configuration data is invalid"},
    {"500.21", "iis_500_21_module_not_recognized", "IIS 500.21: module not recognized"},
    {"500.22", "iis_500_22_integrated_pipeline_modules", "IIS 500.22: httpModules not valid in integrated pipeline"},
    {"500.50", "iis_500_50_rewrite_error", "IIS 500.50: URL rewrite error"},
    {"500.100", "iis_500_100_asp_error", "IIS 500.100: internal ASP error"},
    {"502.1", "iis_502_1_cgi_timeout", "IIS 502.1: CGI application timeout"},
    {"502.2", "iis_502_2_cgi_error", "IIS 502.2: bad gateway from a CGI application"},
    {"502.3", "iis_502_3_arr_connection", "IIS 502.3: ARR forwarder connection error"},
    {"502.4", "iis_502_4_arr_no_server", "IIS 502.4: ARR has no server"},
    {"503.0", "iis_503_0_app_pool_unavailable", "IIS 503.0: application pool unavailable"},
    {"503.2", "iis_503_2_request_limit", "IIS 503.2: concurrent request limit exceeded"},
    {"503.3", "iis_503_3_aspnet_queue_full", "IIS 503.3: ASP.NET queue full"},
    {"503.4", "iis_503_4_fastcgi_queue_full", "IIS 503.4: FastCGI queue full"},
};

constexpr Named kWin32[] = {
    {"2", "win32_2_file_not_found", "Windows error 2: file not found"},
    {"3", "win32_3_path_not_found", "Windows error 3: path not found"},
    {"5", "win32_5_access_denied", "Windows error 5: access denied"},
    {"64", "win32_64_client_gone", "Windows error 64: the client closed the connection"},
    {"121", "win32_121_timeout", "Windows error 121: semaphore timeout (network)"},
    {"995", "win32_995_io_aborted", "Windows error 995: I/O aborted (connection closed)"},
    {"1236", "win32_1236_connection_aborted", "Windows error 1236: connection aborted by the local system"},
    {"1726", "win32_1726_rpc_failed", "Windows error 1726: remote procedure call failed"},
};

constexpr Named kHaproxyWho[] = {
    {"C", "client_abort", "the client aborted"},       {"S", "server_error", "the server aborted or refused"},
    {"P", "proxy_denied", "HAProxy denied or aborted"}, {"L", "local", "HAProxy answered itself"},
    {"R", "resource_exhausted", "HAProxy ran out of a resource"}, {"I", "internal_error", "HAProxy internal error"},
    {"D", "server_down", "the server went down"},       {"U", "server_up", "killed after a server came back up"},
    {"K", "killed", "killed by an administrator"},     {"c", "client_timeout", "client-side timeout"},
    {"s", "server_timeout", "server-side timeout"},
};
constexpr Named kHaproxyState[] = {
    {"R", "request", "waiting for the request"}, {"Q", "queue", "queued"},      {"C", "connect", "connecting to the server"},
    {"H", "headers", "waiting for response headers"}, {"D", "data", "transferring data"},
    {"L", "last_data", "sending the last data"}, {"T", "tarpit", "tarpitted"},
};

constexpr Named kEnvoy[] = {
    {"UH", "envoy_no_healthy_upstream", "Envoy: no healthy upstream"},
    {"UF", "envoy_upstream_connection_failure", "Envoy: upstream connection failure"},
    {"UO", "envoy_upstream_overflow", "Envoy: upstream overflow (circuit breaker)"},
    {"NR", "envoy_no_route", "Envoy: no route"},
    {"URX", "envoy_upstream_retry_limit", "Envoy: upstream retry limit exceeded"},
    {"NC", "envoy_no_cluster", "Envoy: no cluster"},
    {"DT", "envoy_duration_timeout", "Envoy: max duration exceeded"},
    {"DC", "envoy_downstream_termination", "Envoy: downstream connection terminated"},
    {"LH", "envoy_local_healthcheck_failed", "Envoy: local health check failed"},
    {"UT", "envoy_upstream_timeout", "Envoy: upstream request timeout"},
    {"LR", "envoy_local_reset", "Envoy: connection local reset"},
    {"UR", "envoy_upstream_reset", "Envoy: upstream remote reset"},
    {"UC", "envoy_upstream_termination", "Envoy: upstream connection terminated"},
    {"DI", "envoy_delay_injected", "Envoy: delay injected (fault injection)"},
    {"FI", "envoy_fault_injected", "Envoy: fault injected"},
    {"RL", "envoy_rate_limited", "Envoy: rate limited"},
    {"UAEX", "envoy_ext_authz_denied", "Envoy: denied by external authorization"},
    {"RLSE", "envoy_rate_limit_service_error", "Envoy: rate limit service error"},
    {"IH", "envoy_invalid_headers", "Envoy: invalid request headers"},
    {"SI", "envoy_stream_idle_timeout", "Envoy: stream idle timeout"},
    {"DPE", "envoy_downstream_protocol_error", "Envoy: downstream protocol error"},
    {"UPE", "envoy_upstream_protocol_error", "Envoy: upstream protocol error"},
    {"UMSDR", "envoy_upstream_max_stream_duration", "Envoy: upstream max stream duration reached"},
    {"OM", "envoy_overload_manager", "Envoy: overload manager"},
    {"DF", "envoy_dns_failure", "Envoy: DNS resolution failed"},
    {"DO", "envoy_drop_overload", "Envoy: dropped by drop_overload"},
};

constexpr Named kOther[] = {
    {"", "unknown", "unknown: nothing in the record or the error logs says why"},
    {"", "proxy_local", "answered by the proxy itself, no upstream involved"},
    {"", "upstream_refused", "upstream refused the connection"},
    {"", "upstream_timeout", "upstream timed out"},
    {"", "alb_no_target_response", "ALB: the target did not answer"},
    {"", "from_target", "the load balancer passed on the target's response"},
};

const Named* find(std::span<const Named> table, std::string_view key) {
    for (const auto& n : table)
        if (n.key == key) return &n;
    return nullptr;
}

// "LambdaInvalidResponse" -> "lambda_invalid_response"; "Version_N/S" -> "version_n_s"
void snake(std::string_view s, std::string& out) {
    bool prev_lower = false;
    for (char c : s) {
        const bool upper = c >= 'A' && c <= 'Z';
        const bool alnum = std::isalnum(static_cast<unsigned char>(c));
        if (upper && prev_lower && !out.empty() && out.back() != '_') out.push_back('_');
        if (alnum) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        else if (!out.empty() && out.back() != '_') out.push_back('_');
        prev_lower = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
}

struct Ids {
    FieldId substatus = intern_field("sc-substatus"), win32 = intern_field("sc-win32-status"),
            s_reason = intern_field("s-reason"), alb_reason = intern_field("error_reason"),
            edge_detail = intern_field("x-edge-detailed-result-type"), termination = intern_field("termination_state"),
            flags = intern_field("response_flags"), target_status = intern_field("target_status_code");
};
const Ids& ids() {
    static const Ids i;
    return i;
}

}  // namespace

Cause record_cause(const Record& r, std::uint16_t code, std::string& buf) {
    if (!r.cause.empty()) return Cause{r.cause, r.cause_detail, r.cause_source};
    Cause c;
    c.source = "record";
    if (r.protocol == Protocol::sip) {
        if (const int q = reason_cause(r.sip.reason_header, "Q.850"); q > 0) {
            const Q850Cause* qc = find_q850(q);
            buf = "q850_" + std::to_string(q) + "_" + std::string(qc ? qc->slug : std::string_view("unknown"));
            c.slug = buf;
            c.detail = r.sip.reason_header;
            return c;
        }
        if (const int s = reason_cause(r.sip.reason_header, "SIP"); s > 0) {
            buf = "sip_reason_" + std::to_string(s);
            c.slug = buf;
            c.detail = r.sip.reason_header;
            return c;
        }
        const std::string_view w = r.sip.warning;
        if (w.size() >= 3 && w[0] == '3' && w[1] >= '0' && w[1] <= '9' && w[2] >= '0' && w[2] <= '9') {
            buf = "sip_warning_" + std::string(w.substr(0, 3));  // RFC 3261 §20.43 warn-codes are 3xx
            c.slug = buf;
            c.detail = w;
            return c;
        }
    }
    if (code < 400) return Cause{};
    if (r.extra_count > 0) {
        const Ids& i = ids();
        // HTTP.sys's own reason for refusing the request.
        if (std::string_view v = r.extra(i.s_reason); !v.empty() && v != "-") {
            buf = "httperr_";
            snake(v, buf);
            c.slug = buf;
            c.detail = v;
            return c;
        }
        // IIS: status.substatus, then the Windows error code.
        if (std::string_view sub = r.extra(i.substatus); !sub.empty()) {
            const std::string key = std::to_string(code) + "." + std::string(sub);
            if (const Named* n = find(kIis, key)) {
                c.slug = n->slug;
                c.detail = sub;
                return c;
            }
            const std::string_view win32 = r.extra(i.win32);
            if (const Named* n = find(kWin32, win32)) {
                c.slug = n->slug;
                c.detail = win32;
                return c;
            }
            if (sub != "0") {
                buf = "iis_" + std::to_string(code) + "_" + std::string(sub.substr(0, 8));
                c.slug = buf;
                c.detail = sub;
                return c;
            }
        }
        if (std::string_view v = r.extra(i.alb_reason); !v.empty()) {
            buf = "alb_";
            snake(v, buf);
            c.slug = buf;
            c.detail = v;
            return c;
        }
        if (std::string_view v = r.extra(i.edge_detail); !v.empty() && v != "Error" && v != "Miss" && v != "Hit") {
            buf = "cloudfront_";
            snake(v, buf);
            c.slug = buf;
            c.detail = v;
            return c;
        }
        if (std::string_view v = r.extra(i.termination); v.size() >= 2 && v[0] != '-') {
            const Named* who = find(kHaproxyWho, v.substr(0, 1));
            const Named* state = find(kHaproxyState, v.substr(1, 1));
            buf = "haproxy_" + std::string(who ? who->slug : "other") + "_" + std::string(state ? state->slug : "other");
            c.slug = buf;
            c.detail = v;
            return c;
        }
        if (std::string_view v = r.extra(i.flags); !v.empty() && v != "-") {
            const std::string_view first = v.substr(0, v.find(','));
            if (const Named* n = find(kEnvoy, first)) {
                c.slug = n->slug;
                c.detail = v;
                return c;
            }
        }
    }
    // A proxy's record of its upstream: did the error come from there or from the proxy itself?
    if (!r.upstream_status.empty() || r.extra_count > 0) {
        const std::uint16_t up = final_upstream_code(r.upstream_status);
        if (!r.upstream_status.empty() && up == 0) {
            c.slug = "proxy_local";
            return c;
        }
        if (up != 0) {
            buf = "upstream_" + std::to_string(up);
            c.slug = buf;
            c.detail = r.upstream_status;
            return c;
        }
    }
    c.slug = "unknown";
    c.source = {};
    return c;
}

std::string label_of(std::string_view slug) {
    for (auto table : {std::span<const Named>(kIis), std::span<const Named>(kWin32), std::span<const Named>(kEnvoy),
                       std::span<const Named>(kOther)})
        for (const auto& n : table)
            if (n.slug == slug) return std::string(n.label);
    if (slug.starts_with("q850_")) {
        const int v = std::atoi(std::string(slug.substr(5)).c_str());
        if (const Q850Cause* q = find_q850(v)) return "Q.850 " + std::to_string(v) + ": " + std::string(q->name);
    }
    if (slug.starts_with("haproxy_")) {
        for (const auto& w : kHaproxyWho)
            for (const auto& s : kHaproxyState)
                if (slug == "haproxy_" + std::string(w.slug) + "_" + std::string(s.slug))
                    return "HAProxy: " + std::string(w.label) + " while " + std::string(s.label);
    }
    if (slug.starts_with("upstream_") && slug.size() == 12) return "the upstream leg ended in " + std::string(slug.substr(9));
    if (slug.starts_with("httperr_")) return "HTTP.sys refused the request: " + std::string(slug.substr(8));
    if (slug.starts_with("alb_")) return "ALB: " + std::string(slug.substr(4));
    if (slug.starts_with("cloudfront_")) return "CloudFront: " + std::string(slug.substr(11));
    if (slug.starts_with("sip_reason_")) return "SIP Reason cause " + std::string(slug.substr(11));
    if (slug.starts_with("sip_warning_")) return "SIP Warning " + std::string(slug.substr(12));
    return {};
}

}  // namespace logcodes
