// Apache httpd `LogFormat` and Tomcat `AccessLogValve` patterns: %-directives with optional {arguments}.
#include <cctype>
#include <string>
#include <vector>

#include "logcodes/formats/compilers.hpp"
#include "logcodes/formats/token_format.hpp"

namespace logcodes {

namespace {

enum class Dialect { apache, tomcat };

// "User-Agent" -> "user_agent"
std::string snake(std::string_view s) {
    std::string out;
    for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : '_';
    return out;
}

bool lower_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    return true;
}

TimeSyntax strftime_syntax(std::string_view f) {
    if (f == "sec" || f == "msec" || f == "usec" || f == "%s" || f == "begin:sec" || f == "end:sec" ||
        f.ends_with(":msec") || f.ends_with(":usec"))
        return TimeSyntax::epoch;
    if (f.find("%d/%b/%Y:%H:%M:%S") != std::string_view::npos || f.find("dd/MMM/yyyy:HH:mm:ss") != std::string_view::npos)
        return TimeSyntax::clf;
    if (f.find("%Y-%m-%d") != std::string_view::npos || f.find("%F") != std::string_view::npos ||
        f.find("yyyy-MM-dd") != std::string_view::npos)
        return TimeSyntax::iso8601;
    return TimeSyntax::any;
}

// The field a directive writes; false when the directive is unknown.
bool describe(Dialect d, char letter, std::string_view arg, char redirect, TokenField& f) {
    const bool tomcat = d == Dialect::tomcat;
    switch (letter) {
        case 'a': f.name = arg == "c" ? "peer_addr" : "remote_addr"; f.role = Role::client; return true;
        case 'A': f.name = "local_addr"; return true;
        case 'b': f.name = "bytes"; f.role = Role::bytes; return true;
        case 'B': f.name = "bytes"; f.role = Role::bytes; return true;
        case 'C': f.name = arg.empty() ? "cookies" : "cookie_" + snake(arg); f.spaces = true; return true;
        case 'c': if (tomcat) { f.name = "cookie_" + snake(arg); f.spaces = true; return true; }
                  f.name = "connection_status"; return true;
        case 'D':
            f.name = tomcat ? "time_taken" : "time_us";
            f.role = Role::duration;
            f.unit = tomcat ? DurationUnit::milliseconds : DurationUnit::microseconds;
            return true;
        case 'e': f.name = "env_" + snake(arg); f.spaces = true; return true;
        case 'f': f.name = "filename"; return true;
        case 'F': f.name = "commit_time_ms"; return true;
        case 'h': f.name = "remote_host"; f.role = Role::client; return true;
        case 'H': f.name = "protocol"; f.role = Role::protocol; return true;
        case 'i':
            if (arg.empty()) return false;
            f.name = "http_" + snake(arg);
            f.spaces = true;
            if (lower_equal(arg, "Host")) {
                f.role = Role::host;
                f.host_rank = 3;
            }
            return true;
        case 'I': f.name = tomcat ? "thread" : "bytes_received"; return true;
        case 'k': f.name = "keepalive_requests"; return true;
        case 'l': f.name = "remote_logname"; return true;
        case 'L': f.name = "log_id"; return true;
        case 'm': f.name = "method"; f.role = Role::method; return true;
        case 'n': f.name = "note_" + snake(arg); f.spaces = true; return true;
        case 'o': f.name = "sent_http_" + snake(arg); f.spaces = true; return true;
        case 'O': f.name = "bytes_sent"; return true;
        case 'p': f.name = arg.empty() ? "server_port" : "port_" + snake(arg); return true;
        case 'P': f.name = "pid"; return true;
        case 'q': f.name = "query"; return true;
        case 'r':
            if (tomcat && !arg.empty()) { f.name = "attr_" + snake(arg); f.spaces = true; return true; }
            f.name = "request"; f.role = Role::request; f.spaces = true; return true;
        case 'R': f.name = "handler"; return true;
        case 's':
            if (tomcat && !arg.empty()) { f.name = "session_" + snake(arg); f.spaces = true; return true; }
            f.name = redirect == '<' ? "original_status" : "status";
            f.role = Role::status;
            return true;
        case 'S': f.name = tomcat ? "session_id" : "bytes_transferred"; return true;
        case 't':
            f.name = "time";
            f.role = Role::time;
            f.spaces = true;
            if (arg.empty()) {
                f.time_syntax = TimeSyntax::clf;
                f.strip_brackets = true;
            } else {
                f.time_syntax = strftime_syntax(arg);
            }
            return true;
        case 'T':
            f.name = "time_s";
            f.role = Role::duration;
            f.unit = arg == "ms" ? DurationUnit::milliseconds : arg == "us" ? DurationUnit::microseconds : DurationUnit::seconds;
            return true;
        case 'u': f.name = "remote_user"; f.spaces = true; return true;
        case 'U': f.name = "url_path"; f.role = Role::path; return true;
        case 'v': f.name = "server_name"; f.role = Role::host; f.host_rank = 1; return true;
        case 'V': f.name = "canonical_server_name"; f.role = Role::host; f.host_rank = 2; return true;
        case 'X': f.name = "connection_status"; return true;
        default: return false;
    }
}

// Undoes httpd.conf quoting of a LogFormat argument; origin maps characters back for errors.
std::string unquote(std::string_view text, std::size_t& p, std::vector<std::size_t>& origin, std::string& error) {
    std::string out;
    const char quote = text[p++];
    while (p < text.size()) {
        const char c = text[p];
        if (c == '\\' && p + 1 < text.size() && (text[p + 1] == quote || text[p + 1] == '\\')) {
            out += text[p + 1];
            origin.push_back(p);
            p += 2;
            continue;
        }
        if (c == quote) {
            ++p;
            return out;
        }
        out += c;
        origin.push_back(p++);
    }
    error = "unterminated quoted string";
    return out;
}

CompileResult compile_percent(std::string_view text, std::string name, Dialect dialect) {
    std::size_t p = 0;
    auto skip_space = [&] {
        while (p < text.size() && std::isspace(static_cast<unsigned char>(text[p]))) ++p;
    };
    skip_space();
    const std::string_view keyword = dialect == Dialect::apache ? "LogFormat" : "pattern=";
    if (text.substr(p).starts_with(keyword)) {
        p += keyword.size();
        skip_space();
    }
    std::string fmt;
    std::vector<std::size_t> origin;
    if (p < text.size() && (text[p] == '"' || text[p] == '\'')) {
        const std::size_t open = p;
        std::string error;
        fmt = unquote(text, p, origin, error);
        if (!error.empty()) return compile_error(error, open, std::string(1, text[open]));
        skip_space();
        // A nickname after the format names it ("combined", "vhost_combined" ...).
        if (p < text.size()) {
            std::size_t e = p;
            while (e < text.size() && !std::isspace(static_cast<unsigned char>(text[e]))) ++e;
            if (name == "apache" || name == "tomcat") name = std::string(text.substr(p, e - p));
        }
    } else {
        std::size_t end = text.size();
        while (end > p && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
        fmt = std::string(text.substr(p, end - p));
        for (std::size_t i = p; i < end; ++i) origin.push_back(i);
    }
    if (dialect == Dialect::tomcat) {
        // Tomcat's named patterns.
        if (fmt == "common") fmt = "%h %l %u %t \"%r\" %s %b";
        else if (fmt == "combined") fmt = "%h %l %u %t \"%r\" %s %b \"%{Referer}i\" \"%{User-Agent}i\"";
        if (origin.size() < fmt.size()) origin.resize(fmt.size(), 0);
    }
    if (fmt.empty()) return compile_error("the format is empty", 0, std::string(text));

    std::vector<TokenItem> items;
    std::string literal;
    auto flush = [&] { flush_literal(items, literal); };
    int final_status = -1, any_status = -1;
    for (std::size_t i = 0; i < fmt.size();) {
        const char c = fmt[i];
        if (c == '\\' && dialect == Dialect::apache && i + 1 < fmt.size() && (fmt[i + 1] == 'n' || fmt[i + 1] == 't')) {
            literal += fmt[i + 1] == 'n' ? '\n' : '\t';
            i += 2;
            continue;
        }
        if (c != '%') {
            literal += c;
            ++i;
            continue;
        }
        const std::size_t start = i++;
        if (i < fmt.size() && fmt[i] == '%') {
            literal += '%';
            ++i;
            continue;
        }
        // %[!][codes][<|>]{arg}X — conditions and redirect choices are read and kept in the field's meaning.
        if (i < fmt.size() && fmt[i] == '!') ++i;
        while (i < fmt.size() && (std::isdigit(static_cast<unsigned char>(fmt[i])) || fmt[i] == ',')) ++i;
        char redirect = 0;
        if (i < fmt.size() && (fmt[i] == '<' || fmt[i] == '>')) redirect = fmt[i++];
        std::string arg;
        if (i < fmt.size() && fmt[i] == '{') {
            const std::size_t close = fmt.find('}', i + 1);
            if (close == std::string::npos)
                return compile_error("unclosed '{' in directive", origin[start], fmt.substr(start, 16));
            arg = fmt.substr(i + 1, close - i - 1);
            i = close + 1;
        }
        if (i < fmt.size() && fmt[i] == '^' && i + 2 < fmt.size()) {  // %{X}^ti / %{X}^to trailers
            TokenItem f;
            f.field.name = std::string(fmt[i + 2] == 'i' ? "trailer_in_" : "trailer_out_") + snake(arg);
            f.field.spaces = true;
            f.field.position = origin[start];
            flush();
            items.push_back(std::move(f));
            i += 3;
            continue;
        }
        if (i >= fmt.size()) return compile_error("the format ends inside a directive", origin[start], fmt.substr(start));
        const char letter = fmt[i++];
        TokenItem f;
        f.field.position = origin[start];
        if (!describe(dialect, letter, arg, redirect, f.field))
            return compile_error(std::string("unknown directive '%") + letter + "'", origin[start], fmt.substr(start, i - start));
        flush();
        if (f.field.role == Role::status) {
            const int idx = static_cast<int>(items.size());
            if (redirect == '>' && final_status < 0) final_status = idx;
            if (any_status < 0 && redirect != '<') any_status = idx;
            if (redirect == '<') f.field.role = Role::extra;
        }
        items.push_back(std::move(f));
    }
    flush();
    // The code is the final status (%>s); a plain %s is the original one when %>s is also logged.
    const int chosen = final_status >= 0 ? final_status : any_status;
    for (int i = 0; i < static_cast<int>(items.size()); ++i) {
        auto& f = items[static_cast<std::size_t>(i)].field;
        if (!items[static_cast<std::size_t>(i)].is_literal && f.role == Role::status && i != chosen) {
            f.role = Role::extra;
            f.name = "original_status";
        }
    }
    const std::string description =
        std::string(dialect == Dialect::apache ? "Apache LogFormat" : "Tomcat AccessLogValve pattern") + " \"" + fmt + "\"";
    return build_token_format(std::move(name), description, std::move(items));
}

}  // namespace

CompileResult compile_apache(std::string_view text, std::string name) {
    return compile_percent(text, std::move(name), Dialect::apache);
}

CompileResult compile_tomcat(std::string_view text, std::string name) {
    return compile_percent(text, std::move(name), Dialect::tomcat);
}

}  // namespace logcodes
