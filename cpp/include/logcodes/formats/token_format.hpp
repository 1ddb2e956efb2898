// Formats made of literal text and fields, compiled at run time from a server's format string
// (nginx log_format, Apache LogFormat, Tomcat AccessLogValve, Envoy).
//
// Matching walks the items left to right. A field ends where the next literal begins; inside quotes an
// escaped quote (\" or nginx's \x22 never looks like one) does not end it, and when a field could end at
// several places (a request holding `" ` of its own, a user agent with spaces) the matcher tries them in
// order, with a bounded budget, until the rest of the line matches too. No allocation per line.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "logcodes/formats/builtin.hpp"
#include "logcodes/formats/compilers.hpp"
#include "logcodes/formats/format.hpp"

namespace logcodes {

// What a field means to the library; every field is also kept as a named extra under its own name.
enum class Role : std::uint8_t {
    extra,            // only a named field
    client,
    time,
    request,          // "GET /x?y HTTP/1.1": split into method and target
    method,
    target,           // URI with query
    path,             // URI path without query
    protocol,
    status,
    bytes,
    duration,
    host,
    upstream_status,
};

struct TokenField {
    std::string name;                         // "remote_addr", "http_user_agent", "sc-status" ...
    Role role = Role::extra;
    TimeSyntax time_syntax = TimeSyntax::none;
    DurationUnit unit = DurationUnit::none;
    bool strip_brackets = false;              // Apache %t writes "[...]" itself
    bool spaces = false;                      // the value may hold spaces (else it ends at the first one)
    bool list = false;                        // an nginx upstream list ("502, 200", "504 : 200"): it does not
                                              // end at a space after ',' or around a ':' separator
    bool closed = false;                      // quoted, and the server never writes a raw '"' inside: the first
                                              // unescaped quote ends it (tried before the looser readings)
    int host_rank = 0;                        // when several fields are hosts, the highest non-empty wins
    std::size_t position = 0;                 // where the field was written in the format string
};

struct TokenItem {
    bool is_literal = false;
    std::string literal;
    TokenField field;
};

class TokenFormat final : public Format {
public:
    static constexpr std::size_t kMaxFields = 64;

    TokenFormat(std::string name, std::string description, std::vector<TokenItem> items);
    std::string_view name() const noexcept override { return name_; }
    std::string_view description() const noexcept override { return description_; }
    bool parse(std::string_view line, Record& out) const noexcept override;
    bool strict(std::string_view line, const Record& r) const noexcept override;
    std::vector<std::string> field_names() const override;
    const std::vector<TokenItem>& items() const noexcept { return items_; }

private:
    struct Span {
        std::uint32_t begin, end;
    };
    struct Match {
        std::string_view line;
        bool strict;
        bool require_end;   // the items must use up the whole line
        bool status_like;   // the status must look like one (digits or "-")
        bool closed_quotes; // fields marked `closed` end at their first unescaped quote
        int budget;
        bool status_seen;
        Span spans[kMaxFields];
        bool have[kMaxFields];
    };
    bool match(Match& m, std::size_t item, std::size_t pos) const noexcept;
    bool run(std::string_view line, bool strict, bool require_end, bool status_like, Match& m,
             bool closed_quotes = false) const noexcept;

    std::string name_;
    std::string description_;
    std::vector<TokenItem> items_;
    std::vector<int> field_index_;   // item -> index into spans (-1 for literals)
    std::vector<FieldId> ids_;       // field index -> named-field id
    std::vector<std::uint8_t> quoted_;  // item -> the field sits between quotes (bytes: no bit fiddling per test)
    std::size_t fields_ = 0;
    bool has_status_ = false;
    bool closed_fields_ = false;     // some field is `closed`: parse() tries that reading first
};

// What the format-string compilers share: a failed result naming the offending token, and moving the
// literal text collected so far into the item list.
CompileResult compile_error(std::string error, std::size_t position, std::string token);
void flush_literal(std::vector<TokenItem>& items, std::string& literal);

// Checks a compiled item list (a field must be followed by a literal or end the line, at most
// kMaxFields fields, exactly one status) and builds the format; errors name the offending field.
CompileResult build_token_format(std::string name, std::string description, std::vector<TokenItem> items);

// The items of an nginx log_format (no checks beyond syntax); `error` set in the result on failure.
CompileResult nginx_items(std::string_view text, std::string& name, std::string& description,
                          std::vector<TokenItem>& items);

// Built-in formats defined as format strings: Traefik's CLF, Envoy's default access log and, from
// format_string_presets(), ingress-nginx's default, nginx 'main' + times and Apache's vcommon.
std::span<const BuiltinFormat> token_formats();
std::span<const BuiltinFormat> format_string_presets();

}  // namespace logcodes
