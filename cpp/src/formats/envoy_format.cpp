// Envoy access-log format strings (%COMMAND%, %COMMAND(arg)%, %COMMAND(arg):LEN%), and the built-in formats
// defined by a format string: Envoy's default access log and Traefik's CLF.
#include <cctype>
#include <memory>
#include <string>
#include <vector>

#include "logcodes/formats/compilers.hpp"
#include "logcodes/formats/token_format.hpp"

namespace logcodes {

namespace {

std::string snake(std::string_view s) {
    std::string out;
    for (char c : s) {
        const bool keep = std::isalnum(static_cast<unsigned char>(c));
        if (!keep && (out.empty() || out.back() == '_')) continue;
        out += keep ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : '_';
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
    return out;
}

void describe(std::string_view command, std::string_view arg, TokenField& f) {
    if (command == "REQ" || command == "RESP" || command == "TRAILER") {
        // %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%: the first header, else the second.
        const std::string_view first = arg.substr(0, arg.find('?'));
        f.name = (command == "REQ" ? "req_" : command == "RESP" ? "resp_" : "trailer_") + snake(first);
        f.spaces = true;
        if (command == "REQ") {
            if (first == ":METHOD") { f.name = "method"; f.role = Role::method; f.spaces = false; }
            else if (first == ":PATH" || first == "X-ENVOY-ORIGINAL-PATH") { f.name = "path"; f.role = Role::target; f.spaces = false; }
            else if (first == ":AUTHORITY") { f.name = "authority"; f.role = Role::host; f.host_rank = 2; }
        }
        return;
    }
    f.name = snake(command);
    if (command == "START_TIME") { f.role = Role::time; f.time_syntax = TimeSyntax::iso8601; }
    else if (command == "RESPONSE_CODE") f.role = Role::status;
    else if (command == "PROTOCOL") f.role = Role::protocol;
    else if (command == "BYTES_SENT") f.role = Role::bytes;
    else if (command == "DURATION") { f.role = Role::duration; f.unit = DurationUnit::milliseconds; }
    else if (command == "DOWNSTREAM_REMOTE_ADDRESS" || command == "DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT") f.role = Role::client;
    else if (command == "RESPONSE_CODE_DETAILS" || command == "CONNECTION_TERMINATION_DETAILS" ||
             command == "UPSTREAM_TRANSPORT_FAILURE_REASON")
        f.spaces = true;
}

}  // namespace

CompileResult compile_envoy(std::string_view text, std::string name) {
    std::string_view fmt = text;
    while (!fmt.empty() && (fmt.back() == '\n' || fmt.back() == '\r' || fmt.back() == ' ')) fmt.remove_suffix(1);
    if (fmt.size() >= 2 && fmt.substr(fmt.size() - 2) == "\\n") fmt.remove_suffix(2);  // copied from YAML
    std::vector<TokenItem> items;
    std::string literal;
    for (std::size_t i = 0; i < fmt.size();) {
        if (fmt[i] != '%') {
            literal += fmt[i++];
            continue;
        }
        const std::size_t start = i++;
        if (i < fmt.size() && fmt[i] == '%') {  // "%%" is a literal percent
            literal += '%';
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < fmt.size() && (std::isupper(static_cast<unsigned char>(fmt[j])) || std::isdigit(static_cast<unsigned char>(fmt[j])) || fmt[j] == '_')) ++j;
        const std::string_view command = fmt.substr(i, j - i);
        if (command.empty()) return compile_error("expected a command name after '%'", start, std::string(fmt.substr(start, 16)));
        std::string_view arg;
        if (j < fmt.size() && fmt[j] == '(') {
            const std::size_t close = fmt.find(')', j);
            if (close == std::string_view::npos) return compile_error("unclosed '('", j, std::string(fmt.substr(start, 24)));
            arg = fmt.substr(j + 1, close - j - 1);
            j = close + 1;
            if (j < fmt.size() && fmt[j] == ':') {  // :LEN truncation
                ++j;
                while (j < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[j]))) ++j;
            }
        }
        if (j >= fmt.size() || fmt[j] != '%') return compile_error("command not closed by '%'", start, std::string(fmt.substr(start, j - start + 1)));
        i = j + 1;
        flush_literal(items, literal);
        TokenItem f;
        f.field.position = start;
        describe(command, arg, f.field);
        items.push_back(std::move(f));
    }
    flush_literal(items, literal);
    return build_token_format(std::move(name), "Envoy access log format '" + std::string(fmt) + "'", std::move(items));
}

namespace {

constexpr std::string_view kEnvoyDefault =
    "[%START_TIME%] \"%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" %RESPONSE_CODE% %RESPONSE_FLAGS% "
    "%RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% \"%UPSTREAM_TRANSPORT_FAILURE_REASON%\" "
    "%BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% \"%REQ(X-FORWARDED-FOR)%\" "
    "\"%REQ(USER-AGENT)%\" \"%REQ(X-REQUEST-ID)%\" \"%REQ(:AUTHORITY)%\" \"%UPSTREAM_HOST%\" %UPSTREAM_CLUSTER% "
    "%UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% "
    "%ROUTE_NAME%";
// Before Envoy 1.20-ish the default stopped after %UPSTREAM_HOST%.
constexpr std::string_view kEnvoyLegacy =
    "[%START_TIME%] \"%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" %RESPONSE_CODE% %RESPONSE_FLAGS% "
    "%BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% \"%REQ(X-FORWARDED-FOR)%\" "
    "\"%REQ(USER-AGENT)%\" \"%REQ(X-REQUEST-ID)%\" \"%REQ(:AUTHORITY)%\" \"%UPSTREAM_HOST%\"";
// Traefik's CLF: combined plus request count, router, server URL and duration.
constexpr std::string_view kTraefikClf =
    "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" "
    "\"$http_user_agent\" $traefik_request_count \"$traefik_router\" \"$traefik_server_url\" ${traefik_duration}ms";

FormatPtr must(CompileResult r) { return r.format; }

struct Presets {
    FormatPtr envoy = must(compile_envoy(kEnvoyDefault, "envoy"));
    FormatPtr envoy_legacy = must(compile_envoy(kEnvoyLegacy, "envoy_legacy"));
    FormatPtr traefik = [] {
        CompileResult r = compile_nginx(std::string("'") + std::string(kTraefikClf) + "'", "traefik_clf");
        // The duration Traefik appends is in milliseconds: rebuild with that meaning.
        auto items = static_cast<const TokenFormat&>(*r.format).items();
        for (auto& it : items) {
            if (!it.is_literal && it.field.name == "traefik_duration") {
                it.field.role = Role::duration;
                it.field.unit = DurationUnit::milliseconds;
            }
        }
        return build_token_format("traefik_clf", "Traefik CLF access log: combined + request count, router, "
                                  "server URL and duration", std::move(items)).format;
    }();
    std::vector<BuiltinFormat> list;
    Presets() {
        list = {{"envoy", envoy.get(), 300, true},
                {"envoy_legacy", envoy_legacy.get(), 310, true},
                {"traefik_clf", traefik.get(), 480, true}};
        for (const auto& b : format_string_presets()) list.push_back(b);
    }
};

}  // namespace

std::span<const BuiltinFormat> token_formats() {
    static const Presets presets;
    return presets.list;
}

}  // namespace logcodes
