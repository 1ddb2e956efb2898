// nginx `log_format`: the text after the name as written in nginx.conf.
#include <cctype>
#include <string>
#include <vector>

#include "logcodes/formats/compilers.hpp"
#include "logcodes/formats/token_format.hpp"

namespace logcodes {

namespace {

struct Known {
    std::string_view name;
    Role role;
    TimeSyntax time = TimeSyntax::none;
    DurationUnit unit = DurationUnit::none;
    int host_rank = 0;
    bool spaces = false;
    bool list = false;   // one value per upstream tried: "502, 200", "504 : 200" (ngx_http_upstream.c)
};

// Variables with a meaning to the library; any other $variable is kept as a named field.
constexpr Known kVariables[] = {
    {"remote_addr", Role::client},
    {"binary_remote_addr", Role::extra},
    {"time_local", Role::time, TimeSyntax::clf, DurationUnit::none, 0, true},
    {"time_iso8601", Role::time, TimeSyntax::iso8601},
    {"msec", Role::time, TimeSyntax::epoch},
    {"request", Role::request, TimeSyntax::none, DurationUnit::none, 0, true},
    {"request_method", Role::method},
    {"request_uri", Role::target},
    {"uri", Role::path},
    {"document_uri", Role::path},
    {"status", Role::status},
    {"body_bytes_sent", Role::bytes},
    {"request_time", Role::duration, TimeSyntax::none, DurationUnit::seconds},
    {"upstream_status", Role::upstream_status, TimeSyntax::none, DurationUnit::none, 0, true, true},
    {"upstream_response_time", Role::extra, TimeSyntax::none, DurationUnit::none, 0, true, true},
    {"upstream_connect_time", Role::extra, TimeSyntax::none, DurationUnit::none, 0, true, true},
    {"upstream_header_time", Role::extra, TimeSyntax::none, DurationUnit::none, 0, true, true},
    {"upstream_addr", Role::extra, TimeSyntax::none, DurationUnit::none, 0, true, true},
    {"host", Role::host, TimeSyntax::none, DurationUnit::none, 3},
    {"upstream_response_length", Role::extra, TimeSyntax::none, DurationUnit::none, 0, true, true},
    {"upstream_bytes_received", Role::extra, TimeSyntax::none, DurationUnit::none, 0, true, true},
    {"upstream_bytes_sent", Role::extra, TimeSyntax::none, DurationUnit::none, 0, true, true},
    {"http_host", Role::host, TimeSyntax::none, DurationUnit::none, 2},
    {"server_name", Role::host, TimeSyntax::none, DurationUnit::none, 1},
    {"server_protocol", Role::protocol},
    {"http_user_agent", Role::extra, TimeSyntax::none, DurationUnit::none, 0, true},
    {"http_referer", Role::extra, TimeSyntax::none, DurationUnit::none, 0, true},
    {"http_cookie", Role::extra, TimeSyntax::none, DurationUnit::none, 0, true},
    {"http_x_forwarded_for", Role::extra, TimeSyntax::none, DurationUnit::none, 0, true},
};

bool name_char(char c) noexcept { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

CompileResult nginx_items(std::string_view text, std::string& name, std::string& description,
                          std::vector<TokenItem>& items) {
    // The format text with nginx's quoting undone; origin[i] is where text[i] came from (for errors).
    std::string fmt;
    std::vector<std::size_t> origin;
    std::size_t p = 0;
    auto skip_space = [&] {
        while (p < text.size() && std::isspace(static_cast<unsigned char>(text[p]))) ++p;
    };
    skip_space();
    // A whole directive pasted from nginx.conf: "log_format NAME ...".
    if (text.substr(p).starts_with("log_format") && p + 10 < text.size() &&
        std::isspace(static_cast<unsigned char>(text[p + 10]))) {
        p += 10;
        skip_space();
        const std::size_t b = p;
        while (p < text.size() && !std::isspace(static_cast<unsigned char>(text[p]))) ++p;
        if (name == "nginx") name = std::string(text.substr(b, p - b));
        skip_space();
    }
    std::string escape = "default";
    if (text.substr(p).starts_with("escape=")) {
        const std::size_t b = p;
        p += 7;
        const std::size_t e = p;
        while (p < text.size() && !std::isspace(static_cast<unsigned char>(text[p]))) ++p;
        escape = std::string(text.substr(e, p - e));
        if (escape != "default" && escape != "json" && escape != "none")
            return compile_error("escape= must be default, json or none", b, std::string(text.substr(b, p - b)));
        skip_space();
    }
    if (p < text.size() && (text[p] == '\'' || text[p] == '"')) {
        // One or more quoted strings, concatenated (nginx joins them), then an optional ';'.
        while (p < text.size()) {
            skip_space();
            if (p >= text.size()) break;
            if (text[p] == ';') {
                ++p;
                skip_space();
                if (p < text.size()) return compile_error("unexpected text after ';'", p, std::string(text.substr(p)));
                break;
            }
            const char quote = text[p];
            if (quote != '\'' && quote != '"')
                return compile_error("expected a quoted string", p, std::string(text.substr(p, 16)));
            const std::size_t open = p++;
            bool closed = false;
            while (p < text.size()) {
                char c = text[p];
                if (c == '\\' && p + 1 < text.size()) {
                    const char n = text[p + 1];
                    const char out = n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n;
                    if (n == '"' || n == '\'' || n == '\\' || n == 'n' || n == 't' || n == 'r') {
                        fmt += out;
                        origin.push_back(p);
                        p += 2;
                        continue;
                    }
                }
                if (c == quote) {
                    closed = true;
                    ++p;
                    break;
                }
                fmt += c;
                origin.push_back(p++);
            }
            if (!closed) return compile_error("unterminated quoted string", open, std::string(1, quote));
        }
    } else {
        // Bare text (already unquoted by the user); a trailing ';' is dropped.
        std::size_t end = text.size();
        while (end > p && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
        if (end > p && text[end - 1] == ';') --end;
        for (; p < end; ++p) {
            fmt += text[p];
            origin.push_back(p);
        }
    }
    if (fmt.empty()) return compile_error("the format is empty", 0, std::string(text));

    items.clear();
    std::string literal;
    for (std::size_t i = 0; i < fmt.size();) {
        if (fmt[i] != '$') {
            literal += fmt[i++];
            continue;
        }
        const std::size_t at = origin[i];
        std::string var;
        if (i + 1 < fmt.size() && fmt[i + 1] == '{') {
            const std::size_t close = fmt.find('}', i + 2);
            if (close == std::string::npos) return compile_error("unclosed ${", at, fmt.substr(i, 16));
            var = fmt.substr(i + 2, close - i - 2);
            i = close + 1;
        } else {
            std::size_t j = i + 1;
            while (j < fmt.size() && name_char(fmt[j])) ++j;
            var = fmt.substr(i + 1, j - i - 1);
            i = j;
        }
        if (var.empty()) return compile_error("expected a variable name after '$'", at, "$");
        for (char c : var)
            if (!name_char(c)) return compile_error("bad variable name", at, "$" + var);
        flush_literal(items, literal);
        TokenItem f;
        f.field.name = var;
        f.field.position = at;
        for (const auto& k : kVariables) {
            if (k.name == var) {
                f.field.role = k.role;
                f.field.time_syntax = k.time;
                f.field.unit = k.unit;
                f.field.host_rank = k.host_rank;
                f.field.spaces = k.spaces;
                f.field.list = k.list;
            }
        }
        // Any request header or cookie can hold spaces.
        if (var.starts_with("http_") || var.starts_with("cookie_") || var.starts_with("sent_http_")) f.field.spaces = true;
        items.push_back(std::move(f));
    }
    flush_literal(items, literal);
    description = "nginx log_format" + std::string(escape != "default" ? " escape=" + escape : "") + " '" + fmt + "'";
    return {};
}

CompileResult compile_nginx(std::string_view text, std::string name) {
    std::string description;
    std::vector<TokenItem> items;
    CompileResult r = nginx_items(text, name, description, items);
    if (!r.error.empty()) return r;
    return build_token_format(std::move(name), std::move(description), std::move(items));
}

}  // namespace logcodes
