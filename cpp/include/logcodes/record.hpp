// A parsed record: views into the input block, valid until the framer moves on.
#pragma once

#include <string_view>

#include "logcodes/registry.hpp"

namespace logcodes {

struct Record {
    Protocol protocol = Protocol::http;
    std::string_view status;   // the raw status token as written ("200", "-", "009")
    std::string_view reason;   // reason phrase when the format carries one (SIP); empty otherwise
    std::string_view method;   // "GET"; empty when the request is "-" or malformed
    std::string_view target;   // request target as written, with query
    std::string_view time;     // raw time text, format-specific (see time_format)
    std::string_view host;     // virtual host, when the format has one
    std::string_view client;   // remote address
    std::string_view bytes;    // response size token

    // Path of the target: without the query string.
    std::string_view path() const noexcept {
        const auto q = target.find('?');
        return q == std::string_view::npos ? target : target.substr(0, q);
    }
};

}  // namespace logcodes
