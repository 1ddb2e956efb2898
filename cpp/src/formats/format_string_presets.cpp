// Built-in formats that are a server's format string people run unchanged: the ingress-nginx controller's
// default (and its older shape), nginx's "main" with the request and upstream times appended, and Apache's
// mass virtual hosting "vcommon".
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "logcodes/formats/compilers.hpp"
#include "logcodes/formats/token_format.hpp"

namespace logcodes {

namespace {

// kubernetes/ingress-nginx internal/ingress/controller/config/config.go, `logFormatUpstream` (the
// `log-format-upstream` default since controller 0.22; docs/user-guide/nginx-configuration/log-format.md).
// $proxy_upstream_name is "namespace-service-port" of the backend; $req_id is $request_id (or the
// request's X-Request-ID) set by the controller's template.
constexpr std::string_view kIngress =
    "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" "
    "\"$http_user_agent\" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] "
    "$upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id";

// The same controller before 0.22 (config.go then: `%v - [$the_real_ip] - $remote_user ...`, %v filled with
// $the_real_ip, or $proxy_protocol_addr behind a PROXY-protocol balancer), without the alternative upstream.
constexpr std::string_view kIngressLegacy =
    "$remote_addr - [$the_real_ip] - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
    "\"$http_referer\" \"$http_user_agent\" $request_length $request_time [$proxy_upstream_name] $upstream_addr "
    "$upstream_response_length $upstream_response_time $upstream_status $req_id";

// nginx's `log_format main` (nginx/nginx conf/nginx.conf, and /etc/nginx/nginx.conf of the nginx.org
// packages) with `$request_time $upstream_response_time` appended, the usual edit to see where time goes.
// $upstream_response_time is a list when several upstreams were tried ("0.001, 0.004").
constexpr std::string_view kMainTimes =
    "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" "
    "\"$http_user_agent\" \"$http_x_forwarded_for\" $request_time $upstream_response_time";

// apache/httpd docs/manual/vhosts/mass.xml (and programs/split-logfile.xml, which splits such a log by its
// first field): %V is the server name of the request (UseCanonicalName Off: the Host header), with no port.
constexpr std::string_view kVcommon = "LogFormat \"%V %h %l %u %t \\\"%r\\\" %s %b\" vcommon";

struct Rename {
    std::string_view from, to;
};

// The preset compiled as the nginx log_format it is; `renames` give a variable the field name the rest of
// the library reads (the controller's $req_id is the request id the error-log join looks for).
FormatPtr nginx_preset(std::string_view text, std::string name, std::string description,
                       std::initializer_list<Rename> renames = {}) {
    std::string quoted = "'";
    quoted.append(text).append("'");
    std::string ignored;
    std::vector<TokenItem> items;
    nginx_items(quoted, name, ignored, items);
    for (auto& it : items) {
        if (it.is_literal) continue;
        for (const auto& r : renames)
            if (it.field.name == r.from) it.field.name = r.to;
    }
    return build_token_format(std::move(name), std::move(description), std::move(items)).format;
}

struct Presets {
    FormatPtr ingress = nginx_preset(kIngress, "ingress_nginx",
                                     "ingress-nginx controller default log-format-upstream: combined + request "
                                     "length and time, [upstream name] [alternative], upstream address, length, "
                                     "time, status, request id",
                                     {{"req_id", "request_id"}});
    FormatPtr ingress_legacy = nginx_preset(kIngressLegacy, "ingress_nginx_legacy",
                                            "ingress-nginx controller before 0.22: ADDR - [REAL_IP] - user ..., "
                                            "[upstream name], upstream address, length, time, status, request id",
                                            {{"req_id", "request_id"}});
    FormatPtr main_times = nginx_preset(kMainTimes, "nginx_main_times",
                                        "nginx 'main' + $request_time $upstream_response_time");
    FormatPtr vcommon = [] {
        // As a format given by its user, %u may hold spaces; as a preset that detection tries on every file,
        // it may not: else "%V %h %l %u" would take any four-plus words before " [" (a syslog header and a
        // CLF prefix) and read every syslog-wrapped common log as vcommon.
        CompileResult r = compile_apache(kVcommon, "vcommon");
        auto items = static_cast<const TokenFormat&>(*r.format).items();
        for (auto& it : items)
            if (!it.is_literal && it.field.name == "remote_user") it.field.spaces = false;
        return build_token_format("vcommon", "Apache mass virtual hosting vcommon: %V %h %l %u %t \"%r\" %s %b",
                                  std::move(items)).format;
    }();
    std::vector<BuiltinFormat> list;
    Presets() {
        // Before the CLF family they extend (vhost_combined is 500): an exact reading decides either way, and a
        // loose one goes to the most general format reading alike, the last in this order (catalogue.cpp).
        list = {{"ingress_nginx", ingress.get(), 481, true},
                {"ingress_nginx_legacy", ingress_legacy.get(), 482, true},
                {"nginx_main_times", main_times.get(), 485, true},
                {"vcommon", vcommon.get(), 486, true}};
    }
};

}  // namespace

std::span<const BuiltinFormat> format_string_presets() {
    static const Presets presets;
    return presets.list;
}

}  // namespace logcodes
