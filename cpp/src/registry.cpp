// The code registry table and its O(1) index.
//
// Sources: IANA "Hypertext Transfer Protocol (HTTP) Status Code Registry", RFC 3261 §21 and the IANA
// "Session Initiation Protocol (SIP) Parameters" response-code registry, plus widely seen de-facto HTTP codes.
#include "logcodes/registry.hpp"

#include <array>
#include <cstddef>
#include <iterator>

namespace logcodes {

namespace {

constexpr CodeEntry http(std::uint16_t code, std::string_view reason, std::string_view origin,
                         std::string_view note = {}) noexcept {
    return CodeEntry{Protocol::http, code, reason, CodeSource::iana, origin, note};
}

constexpr CodeEntry http_defacto(std::uint16_t code, std::string_view reason, std::string_view origin,
                                 std::string_view note = {}) noexcept {
    return CodeEntry{Protocol::http, code, reason, CodeSource::defacto, origin, note};
}

constexpr CodeEntry sip(std::uint16_t code, std::string_view reason, std::string_view origin,
                        std::string_view note = {}) noexcept {
    return CodeEntry{Protocol::sip, code, reason, CodeSource::iana, origin, note};
}

constexpr CodeEntry kEntries[] = {
    // ---- HTTP 1xx
    http(100, "Continue", "RFC 9110"),
    http(101, "Switching Protocols", "RFC 9110"),
    http(102, "Processing", "RFC 2518", "WebDAV; dropped from RFC 4918"),
    http(103, "Early Hints", "RFC 8297"),
    http(104, "Upload Resumption Supported", "draft-ietf-httpbis-resumable-upload", "temporary registration"),
    // ---- HTTP 2xx
    http(200, "OK", "RFC 9110"),
    http(201, "Created", "RFC 9110"),
    http(202, "Accepted", "RFC 9110"),
    http(203, "Non-Authoritative Information", "RFC 9110"),
    http(204, "No Content", "RFC 9110"),
    http(205, "Reset Content", "RFC 9110"),
    http(206, "Partial Content", "RFC 9110"),
    http(207, "Multi-Status", "RFC 4918", "WebDAV"),
    http(208, "Already Reported", "RFC 5842", "WebDAV"),
    http_defacto(218, "This Is Fine", "Apache", "ProxyErrorOverride catch-all; unofficial"),
    http(226, "IM Used", "RFC 3229", "delta encoding"),
    // ---- HTTP 3xx
    http(300, "Multiple Choices", "RFC 9110"),
    http(301, "Moved Permanently", "RFC 9110"),
    http(302, "Found", "RFC 9110"),
    http(303, "See Other", "RFC 9110"),
    http(304, "Not Modified", "RFC 9110"),
    http(305, "Use Proxy", "RFC 9110", "deprecated"),
    http(306, "(Unused)", "RFC 9110", "unused; formerly Switch Proxy"),
    http(307, "Temporary Redirect", "RFC 9110"),
    http(308, "Permanent Redirect", "RFC 9110"),
    // ---- HTTP 4xx
    http(400, "Bad Request", "RFC 9110"),
    http(401, "Unauthorized", "RFC 9110"),
    http(402, "Payment Required", "RFC 9110", "reserved for future use"),
    http(403, "Forbidden", "RFC 9110"),
    http(404, "Not Found", "RFC 9110"),
    http(405, "Method Not Allowed", "RFC 9110"),
    http(406, "Not Acceptable", "RFC 9110"),
    http(407, "Proxy Authentication Required", "RFC 9110"),
    http(408, "Request Timeout", "RFC 9110"),
    http(409, "Conflict", "RFC 9110"),
    http(410, "Gone", "RFC 9110"),
    http(411, "Length Required", "RFC 9110"),
    http(412, "Precondition Failed", "RFC 9110"),
    http(413, "Content Too Large", "RFC 9110", "formerly Payload Too Large"),
    http(414, "URI Too Long", "RFC 9110"),
    http(415, "Unsupported Media Type", "RFC 9110"),
    http(416, "Range Not Satisfiable", "RFC 9110"),
    http(417, "Expectation Failed", "RFC 9110"),
    http(418, "(Unused)", "RFC 9110", "unused; reserved because of \"I'm a teapot\" (RFC 2324)"),
    http_defacto(419, "Page Expired", "Laravel", "CSRF token missing or expired"),
    http_defacto(420, "Enhance Your Calm", "Twitter", "rate limiting in the retired Twitter API v1"),
    http(421, "Misdirected Request", "RFC 9110"),
    http(422, "Unprocessable Content", "RFC 9110", "formerly Unprocessable Entity"),
    http(423, "Locked", "RFC 4918", "WebDAV"),
    http(424, "Failed Dependency", "RFC 4918", "WebDAV"),
    http(425, "Too Early", "RFC 8470"),
    http(426, "Upgrade Required", "RFC 9110"),
    http(428, "Precondition Required", "RFC 6585"),
    http(429, "Too Many Requests", "RFC 6585"),
    http_defacto(430, "Request Header Fields Too Large", "Shopify", "also reported as Shopify Security Rejection"),
    http(431, "Request Header Fields Too Large", "RFC 6585"),
    http_defacto(440, "Login Time-out", "Microsoft IIS"),
    http_defacto(444, "No Response", "nginx", "connection closed without a response"),
    http_defacto(449, "Retry With", "Microsoft IIS"),
    http_defacto(450, "Blocked by Windows Parental Controls", "Microsoft IIS"),
    http(451, "Unavailable For Legal Reasons", "RFC 7725"),
    http_defacto(460, "Client Closed Connection", "AWS Elastic Load Balancing",
                 "client closed before the idle timeout"),
    http_defacto(463, "Too Many Forwarded IPs", "AWS Elastic Load Balancing",
                 "X-Forwarded-For with more than 30 addresses"),
    http_defacto(464, "Incompatible Protocol Versions", "AWS Elastic Load Balancing"),
    http_defacto(494, "Request Header Too Large", "nginx"),
    http_defacto(495, "SSL Certificate Error", "nginx"),
    http_defacto(496, "SSL Certificate Required", "nginx"),
    http_defacto(497, "HTTP Request Sent to HTTPS Port", "nginx"),
    http_defacto(498, "Invalid Token", "Esri ArcGIS"),
    http_defacto(499, "Client Closed Request", "nginx", "client closed the connection; logged, never sent"),
    // ---- HTTP 5xx
    http(500, "Internal Server Error", "RFC 9110"),
    http(501, "Not Implemented", "RFC 9110"),
    http(502, "Bad Gateway", "RFC 9110"),
    http(503, "Service Unavailable", "RFC 9110"),
    http(504, "Gateway Timeout", "RFC 9110"),
    http(505, "HTTP Version Not Supported", "RFC 9110"),
    http(506, "Variant Also Negotiates", "RFC 2295", "transparent content negotiation"),
    http(507, "Insufficient Storage", "RFC 4918", "WebDAV"),
    http(508, "Loop Detected", "RFC 5842", "WebDAV"),
    http_defacto(509, "Bandwidth Limit Exceeded", "Apache / cPanel"),
    http(510, "Not Extended (OBSOLETED)", "RFC 2774", "obsoleted; RFC 2774 moved to Historic"),
    http(511, "Network Authentication Required", "RFC 6585"),
    http_defacto(520, "Web Server Returned an Unknown Error", "Cloudflare"),
    http_defacto(521, "Web Server Is Down", "Cloudflare"),
    http_defacto(522, "Connection Timed Out", "Cloudflare"),
    http_defacto(523, "Origin Is Unreachable", "Cloudflare"),
    http_defacto(524, "A Timeout Occurred", "Cloudflare"),
    http_defacto(525, "SSL Handshake Failed", "Cloudflare"),
    http_defacto(526, "Invalid SSL Certificate", "Cloudflare"),
    http_defacto(527, "Railgun Error", "Cloudflare", "Railgun is discontinued"),
    http_defacto(530, "Origin DNS Error", "Cloudflare",
                 "sent with a Cloudflare 1xxx error (e.g. 1016); phrase informal; Pantheon: Site Is Frozen"),
    http_defacto(561, "Unauthorized", "AWS Elastic Load Balancing", "identity provider rejected the user"),
    http_defacto(598, "Network Read Timeout Error", "proxies (informal)"),
    http_defacto(599, "Network Connect Timeout Error", "proxies (informal)"),

    // ---- SIP 1xx
    sip(100, "Trying", "RFC 3261"),
    sip(180, "Ringing", "RFC 3261"),
    sip(181, "Call Is Being Forwarded", "RFC 3261"),
    sip(182, "Queued", "RFC 3261"),
    sip(183, "Session Progress", "RFC 3261"),
    sip(199, "Early Dialog Terminated", "RFC 6228"),
    // ---- SIP 2xx
    sip(200, "OK", "RFC 3261"),
    sip(202, "Accepted", "RFC 6665", "deprecated; defined by RFC 3265"),
    sip(204, "No Notification", "RFC 5839"),
    // ---- SIP 3xx
    sip(300, "Multiple Choices", "RFC 3261"),
    sip(301, "Moved Permanently", "RFC 3261"),
    sip(302, "Moved Temporarily", "RFC 3261"),
    sip(305, "Use Proxy", "RFC 3261"),
    sip(380, "Alternative Service", "RFC 3261"),
    // ---- SIP 4xx
    sip(400, "Bad Request", "RFC 3261"),
    sip(401, "Unauthorized", "RFC 3261"),
    sip(402, "Payment Required", "RFC 3261", "reserved for future use"),
    sip(403, "Forbidden", "RFC 3261"),
    sip(404, "Not Found", "RFC 3261"),
    sip(405, "Method Not Allowed", "RFC 3261"),
    sip(406, "Not Acceptable", "RFC 3261"),
    sip(407, "Proxy Authentication Required", "RFC 3261"),
    sip(408, "Request Timeout", "RFC 3261"),
    sip(410, "Gone", "RFC 3261"),
    sip(412, "Conditional Request Failed", "RFC 3903"),
    sip(413, "Request Entity Too Large", "RFC 3261"),
    sip(414, "Request-URI Too Long", "RFC 3261"),
    sip(415, "Unsupported Media Type", "RFC 3261"),
    sip(416, "Unsupported URI Scheme", "RFC 3261"),
    sip(417, "Unknown Resource-Priority", "RFC 4412"),
    sip(420, "Bad Extension", "RFC 3261"),
    sip(421, "Extension Required", "RFC 3261"),
    sip(422, "Session Interval Too Small", "RFC 4028"),
    sip(423, "Interval Too Brief", "RFC 3261"),
    sip(424, "Bad Location Information", "RFC 6442"),
    sip(425, "Bad Alert Message", "RFC 8876"),
    sip(428, "Use Identity Header", "RFC 8224", "first defined by RFC 4474"),
    sip(429, "Provide Referrer Identity", "RFC 3892"),
    sip(430, "Flow Failed", "RFC 5626"),
    sip(433, "Anonymity Disallowed", "RFC 5079"),
    sip(436, "Bad Identity Info", "RFC 8224", "RFC 4474 phrase: Bad Identity-Info"),
    sip(437, "Unsupported Credential", "RFC 8224", "RFC 4474 phrase: Unsupported Certificate"),
    sip(438, "Invalid Identity Header", "RFC 8224", "first defined by RFC 4474"),
    sip(439, "First Hop Lacks Outbound Support", "RFC 5626"),
    sip(440, "Max-Breadth Exceeded", "RFC 5393"),
    sip(469, "Bad Info Package", "RFC 6086"),
    sip(470, "Consent Needed", "RFC 5360"),
    sip(480, "Temporarily Unavailable", "RFC 3261"),
    sip(481, "Call/Transaction Does Not Exist", "RFC 3261"),
    sip(482, "Loop Detected", "RFC 3261"),
    sip(483, "Too Many Hops", "RFC 3261"),
    sip(484, "Address Incomplete", "RFC 3261"),
    sip(485, "Ambiguous", "RFC 3261"),
    sip(486, "Busy Here", "RFC 3261"),
    sip(487, "Request Terminated", "RFC 3261"),
    sip(488, "Not Acceptable Here", "RFC 3261"),
    sip(489, "Bad Event", "RFC 6665", "first defined by RFC 3265"),
    sip(491, "Request Pending", "RFC 3261"),
    sip(493, "Undecipherable", "RFC 3261"),
    sip(494, "Security Agreement Required", "RFC 3329"),
    // ---- SIP 5xx
    sip(500, "Server Internal Error", "RFC 3261"),
    sip(501, "Not Implemented", "RFC 3261"),
    sip(502, "Bad Gateway", "RFC 3261"),
    sip(503, "Service Unavailable", "RFC 3261"),
    sip(504, "Server Time-out", "RFC 3261"),
    sip(505, "Version Not Supported", "RFC 3261"),
    sip(513, "Message Too Large", "RFC 3261"),
    sip(555, "Push Notification Service Not Supported", "RFC 8599"),
    sip(580, "Precondition Failure", "RFC 3312"),
    // ---- SIP 6xx
    sip(600, "Busy Everywhere", "RFC 3261"),
    sip(603, "Decline", "RFC 3261"),
    sip(604, "Does Not Exist Anywhere", "RFC 3261"),
    sip(606, "Not Acceptable", "RFC 3261"),
    sip(607, "Unwanted", "RFC 8197"),
    sip(608, "Rejected", "RFC 8688"),
};

constexpr std::size_t kEntryCount = sizeof(kEntries) / sizeof(kEntries[0]);

// One slot per value 0..kIndexSize-1 covers every protocol's max_code.
constexpr std::size_t kIndexSize = 700;

constexpr bool entries_valid() noexcept {
    for (std::size_t i = 0; i < kEntryCount; ++i) {
        const CodeEntry& e = kEntries[i];
        if (e.code < min_code(e.protocol) || e.code > max_code(e.protocol) || e.code >= kIndexSize) return false;
        if (e.reason.empty() || e.origin.empty()) return false;
        if (i > 0) {
            const CodeEntry& prev = kEntries[i - 1];
            const bool ordered = prev.protocol < e.protocol || (prev.protocol == e.protocol && prev.code < e.code);
            if (!ordered) return false;  // also rejects duplicates
        }
    }
    return true;
}
static_assert(entries_valid(), "registry table must be sorted by (protocol, code), unique and in range");
static_assert(kEntryCount < 0x7fff, "index slots are int16");

using IndexTable = std::array<std::array<std::int16_t, kIndexSize>, kProtocolCount>;

// Built at compile time, so lookups need no initialisation guard and no locking.
constexpr IndexTable build_index() noexcept {
    IndexTable table{};
    for (auto& row : table) {
        for (auto& slot : row) slot = -1;
    }
    for (std::size_t i = 0; i < kEntryCount; ++i) {
        const auto p = static_cast<std::size_t>(kEntries[i].protocol);
        table[p][kEntries[i].code] = static_cast<std::int16_t>(i);
    }
    return table;
}

constexpr IndexTable kIndex = build_index();

constexpr bool valid_protocol(Protocol p) noexcept {
    return static_cast<unsigned>(p) < static_cast<unsigned>(kProtocolCount);
}

}  // namespace

std::string_view protocol_name(Protocol p) noexcept {
    switch (p) {
        case Protocol::http: return "http";
        case Protocol::sip: return "sip";
    }
    return {};
}

bool parse_protocol(std::string_view name, Protocol& out) noexcept {
    if (name == "http") {
        out = Protocol::http;
        return true;
    }
    if (name == "sip") {
        out = Protocol::sip;
        return true;
    }
    return false;
}

std::span<const CodeEntry> registry_entries() noexcept {
    return {kEntries, kEntryCount};
}

const CodeEntry* find_code(Protocol p, std::uint16_t code) noexcept {
    if (!valid_protocol(p) || code < min_code(p) || code > max_code(p)) return nullptr;
    const std::int16_t i = kIndex[static_cast<std::size_t>(p)][code];
    return i < 0 ? nullptr : &kEntries[static_cast<std::size_t>(i)];
}

std::string_view class_name(Protocol p, int class_digit) noexcept {
    static constexpr std::string_view kHttp[] = {"Informational", "Successful", "Redirection", "Client Error",
                                                 "Server Error"};
    static constexpr std::string_view kSip[] = {"Provisional",     "Successful",     "Redirection",
                                                "Request Failure", "Server Failure", "Global Failure"};
    if (class_digit < 1) return {};
    const auto i = static_cast<std::size_t>(class_digit - 1);
    switch (p) {
        case Protocol::http: return i < std::size(kHttp) ? kHttp[i] : std::string_view{};
        case Protocol::sip: return i < std::size(kSip) ? kSip[i] : std::string_view{};
    }
    return {};
}

}  // namespace logcodes
