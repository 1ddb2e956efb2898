// Request paths as a server sees them, so that an access log and an error log of the same request agree.
//
// The two logs write one request differently: the access log has the URI as sent ("/shop/a%20b;jsessionid=X?q=1",
// "http://host/shop/a/"), Tomcat's error log has the context path and the servlet path apart ("[/shop]" and
// "[/a b]"), nginx quotes the request line, Apache names the URL after "returned by". normalize_request_path()
// maps all of them to one form: no scheme or authority, no query or fragment, no ";param" path parameters
// (Tomcat's ;jsessionid=), percent-escapes decoded, repeated slashes merged, no trailing slash (but "/").
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace logcodes {

std::string normalize_request_path(std::string_view path);

// True when `path` is `prefix` or lies under it ("/shop" holds "/shop" and "/shop/a", not "/shopping").
// Both normalised; the prefix "" or "/" holds every path.
bool path_under(std::string_view path, std::string_view prefix) noexcept;

// Where the access log's paths live on the server that wrote the error log, when a proxy in front maps them
// ({"/shop": "/"}: the access log's /shop/a is the server's /a). The longest matching prefix wins.
class PathMap {
public:
    PathMap() = default;
    explicit PathMap(const std::vector<std::pair<std::string, std::string>>& prefixes);
    bool empty() const noexcept { return prefixes_.empty(); }
    // `path` (normalised) as the server names it.
    std::string map(std::string_view path) const;

private:
    std::vector<std::pair<std::string, std::string>> prefixes_;  // normalised, longest first
};

}  // namespace logcodes
