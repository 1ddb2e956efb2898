#include "logcodes/registry.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace {

using logcodes::CodeEntry;
using logcodes::CodeSource;
using logcodes::Protocol;
using logcodes::find_code;

struct Expected {
    std::uint16_t code;
    std::string_view reason;
    std::string_view origin;
};

// Every code of the IANA HTTP Status Code Registry.
const std::vector<Expected> kIanaHttp = {
    {100, "Continue", "RFC 9110"},
    {101, "Switching Protocols", "RFC 9110"},
    {102, "Processing", "RFC 2518"},
    {103, "Early Hints", "RFC 8297"},
    {104, "Upload Resumption Supported", ""},
    {200, "OK", "RFC 9110"},
    {201, "Created", "RFC 9110"},
    {202, "Accepted", "RFC 9110"},
    {203, "Non-Authoritative Information", "RFC 9110"},
    {204, "No Content", "RFC 9110"},
    {205, "Reset Content", "RFC 9110"},
    {206, "Partial Content", "RFC 9110"},
    {207, "Multi-Status", "RFC 4918"},
    {208, "Already Reported", "RFC 5842"},
    {226, "IM Used", "RFC 3229"},
    {300, "Multiple Choices", "RFC 9110"},
    {301, "Moved Permanently", "RFC 9110"},
    {302, "Found", "RFC 9110"},
    {303, "See Other", "RFC 9110"},
    {304, "Not Modified", "RFC 9110"},
    {305, "Use Proxy", "RFC 9110"},
    {306, "(Unused)", "RFC 9110"},
    {307, "Temporary Redirect", "RFC 9110"},
    {308, "Permanent Redirect", "RFC 9110"},
    {400, "Bad Request", "RFC 9110"},
    {401, "Unauthorized", "RFC 9110"},
    {402, "Payment Required", "RFC 9110"},
    {403, "Forbidden", "RFC 9110"},
    {404, "Not Found", "RFC 9110"},
    {405, "Method Not Allowed", "RFC 9110"},
    {406, "Not Acceptable", "RFC 9110"},
    {407, "Proxy Authentication Required", "RFC 9110"},
    {408, "Request Timeout", "RFC 9110"},
    {409, "Conflict", "RFC 9110"},
    {410, "Gone", "RFC 9110"},
    {411, "Length Required", "RFC 9110"},
    {412, "Precondition Failed", "RFC 9110"},
    {413, "Content Too Large", "RFC 9110"},
    {414, "URI Too Long", "RFC 9110"},
    {415, "Unsupported Media Type", "RFC 9110"},
    {416, "Range Not Satisfiable", "RFC 9110"},
    {417, "Expectation Failed", "RFC 9110"},
    {418, "(Unused)", "RFC 9110"},
    {421, "Misdirected Request", "RFC 9110"},
    {422, "Unprocessable Content", "RFC 9110"},
    {423, "Locked", "RFC 4918"},
    {424, "Failed Dependency", "RFC 4918"},
    {425, "Too Early", "RFC 8470"},
    {426, "Upgrade Required", "RFC 9110"},
    {428, "Precondition Required", "RFC 6585"},
    {429, "Too Many Requests", "RFC 6585"},
    {431, "Request Header Fields Too Large", "RFC 6585"},
    {451, "Unavailable For Legal Reasons", "RFC 7725"},
    {500, "Internal Server Error", "RFC 9110"},
    {501, "Not Implemented", "RFC 9110"},
    {502, "Bad Gateway", "RFC 9110"},
    {503, "Service Unavailable", "RFC 9110"},
    {504, "Gateway Timeout", "RFC 9110"},
    {505, "HTTP Version Not Supported", "RFC 9110"},
    {506, "Variant Also Negotiates", "RFC 2295"},
    {507, "Insufficient Storage", "RFC 4918"},
    {508, "Loop Detected", "RFC 5842"},
    {510, "Not Extended (OBSOLETED)", "RFC 2774"},
    {511, "Network Authentication Required", "RFC 6585"},
};

// De-facto HTTP codes, with their vendor.
const std::vector<Expected> kDefactoHttp = {
    {218, "This Is Fine", "Apache"},
    {419, "Page Expired", "Laravel"},
    {420, "Enhance Your Calm", "Twitter"},
    {430, "Request Header Fields Too Large", "Shopify"},
    {440, "Login Time-out", "Microsoft IIS"},
    {444, "No Response", "nginx"},
    {449, "Retry With", "Microsoft IIS"},
    {450, "Blocked by Windows Parental Controls", "Microsoft IIS"},
    {460, "Client Closed Connection", "AWS Elastic Load Balancing"},
    {463, "Too Many Forwarded IPs", "AWS Elastic Load Balancing"},
    {464, "Incompatible Protocol Versions", "AWS Elastic Load Balancing"},
    {494, "Request Header Too Large", "nginx"},
    {495, "SSL Certificate Error", "nginx"},
    {496, "SSL Certificate Required", "nginx"},
    {497, "HTTP Request Sent to HTTPS Port", "nginx"},
    {498, "Invalid Token", "Esri ArcGIS"},
    {499, "Client Closed Request", "nginx"},
    {509, "Bandwidth Limit Exceeded", "Apache / cPanel"},
    {520, "Web Server Returned an Unknown Error", "Cloudflare"},
    {521, "Web Server Is Down", "Cloudflare"},
    {522, "Connection Timed Out", "Cloudflare"},
    {523, "Origin Is Unreachable", "Cloudflare"},
    {524, "A Timeout Occurred", "Cloudflare"},
    {525, "SSL Handshake Failed", "Cloudflare"},
    {526, "Invalid SSL Certificate", "Cloudflare"},
    {527, "Railgun Error", "Cloudflare"},
    {530, "", "Cloudflare"},
    {561, "Unauthorized", "AWS Elastic Load Balancing"},
    {598, "Network Read Timeout Error", ""},
    {599, "Network Connect Timeout Error", ""},
};

// Every SIP code of RFC 3261 §21 and the IANA SIP response-code registry.
const std::vector<Expected> kSip = {
    {100, "Trying", "RFC 3261"},
    {180, "Ringing", "RFC 3261"},
    {181, "Call Is Being Forwarded", "RFC 3261"},
    {182, "Queued", "RFC 3261"},
    {183, "Session Progress", "RFC 3261"},
    {199, "Early Dialog Terminated", "RFC 6228"},
    {200, "OK", "RFC 3261"},
    {202, "Accepted", "RFC 6665"},
    {204, "No Notification", "RFC 5839"},
    {300, "Multiple Choices", "RFC 3261"},
    {301, "Moved Permanently", "RFC 3261"},
    {302, "Moved Temporarily", "RFC 3261"},
    {305, "Use Proxy", "RFC 3261"},
    {380, "Alternative Service", "RFC 3261"},
    {400, "Bad Request", "RFC 3261"},
    {401, "Unauthorized", "RFC 3261"},
    {402, "Payment Required", "RFC 3261"},
    {403, "Forbidden", "RFC 3261"},
    {404, "Not Found", "RFC 3261"},
    {405, "Method Not Allowed", "RFC 3261"},
    {406, "Not Acceptable", "RFC 3261"},
    {407, "Proxy Authentication Required", "RFC 3261"},
    {408, "Request Timeout", "RFC 3261"},
    {410, "Gone", "RFC 3261"},
    {412, "Conditional Request Failed", "RFC 3903"},
    {413, "Request Entity Too Large", "RFC 3261"},
    {414, "Request-URI Too Long", "RFC 3261"},
    {415, "Unsupported Media Type", "RFC 3261"},
    {416, "Unsupported URI Scheme", "RFC 3261"},
    {417, "Unknown Resource-Priority", "RFC 4412"},
    {420, "Bad Extension", "RFC 3261"},
    {421, "Extension Required", "RFC 3261"},
    {422, "Session Interval Too Small", "RFC 4028"},
    {423, "Interval Too Brief", "RFC 3261"},
    {424, "Bad Location Information", "RFC 6442"},
    {425, "Bad Alert Message", "RFC 8876"},
    {428, "Use Identity Header", "RFC 8224"},
    {429, "Provide Referrer Identity", "RFC 3892"},
    {430, "Flow Failed", "RFC 5626"},
    {433, "Anonymity Disallowed", "RFC 5079"},
    {436, "Bad Identity Info", "RFC 8224"},
    {437, "Unsupported Credential", "RFC 8224"},
    {438, "Invalid Identity Header", "RFC 8224"},
    {439, "First Hop Lacks Outbound Support", "RFC 5626"},
    {440, "Max-Breadth Exceeded", "RFC 5393"},
    {469, "Bad Info Package", "RFC 6086"},
    {470, "Consent Needed", "RFC 5360"},
    {480, "Temporarily Unavailable", "RFC 3261"},
    {481, "Call/Transaction Does Not Exist", "RFC 3261"},
    {482, "Loop Detected", "RFC 3261"},
    {483, "Too Many Hops", "RFC 3261"},
    {484, "Address Incomplete", "RFC 3261"},
    {485, "Ambiguous", "RFC 3261"},
    {486, "Busy Here", "RFC 3261"},
    {487, "Request Terminated", "RFC 3261"},
    {488, "Not Acceptable Here", "RFC 3261"},
    {489, "Bad Event", "RFC 6665"},
    {491, "Request Pending", "RFC 3261"},
    {493, "Undecipherable", "RFC 3261"},
    {494, "Security Agreement Required", "RFC 3329"},
    {500, "Server Internal Error", "RFC 3261"},
    {501, "Not Implemented", "RFC 3261"},
    {502, "Bad Gateway", "RFC 3261"},
    {503, "Service Unavailable", "RFC 3261"},
    {504, "Server Time-out", "RFC 3261"},
    {505, "Version Not Supported", "RFC 3261"},
    {513, "Message Too Large", "RFC 3261"},
    {555, "Push Notification Service Not Supported", "RFC 8599"},
    {580, "Precondition Failure", "RFC 3312"},
    {600, "Busy Everywhere", "RFC 3261"},
    {603, "Decline", "RFC 3261"},
    {604, "Does Not Exist Anywhere", "RFC 3261"},
    {606, "Not Acceptable", "RFC 3261"},
    {607, "Unwanted", "RFC 8197"},
    {608, "Rejected", "RFC 8688"},
};

// An empty reason or origin in an Expected row means "present, text not pinned".
void expect_listed(Protocol p, const std::vector<Expected>& list, CodeSource source) {
    for (const auto& x : list) {
        SCOPED_TRACE(testing::Message() << logcodes::protocol_name(p) << ' ' << x.code);
        const CodeEntry* e = find_code(p, x.code);
        ASSERT_NE(e, nullptr);
        EXPECT_EQ(e->protocol, p);
        EXPECT_EQ(e->code, x.code);
        EXPECT_EQ(e->source, source);
        EXPECT_FALSE(e->reason.empty());
        EXPECT_FALSE(e->origin.empty());
        if (!x.reason.empty()) {
            EXPECT_EQ(e->reason, x.reason);
        }
        if (!x.origin.empty()) {
            EXPECT_EQ(e->origin, x.origin);
        }
    }
}

std::size_t count_of(Protocol p) {
    std::size_t n = 0;
    for (const auto& e : logcodes::registry_entries()) n += e.protocol == p ? 1u : 0u;
    return n;
}

TEST(Registry, SortedWithoutDuplicates) {
    const auto entries = logcodes::registry_entries();
    ASSERT_FALSE(entries.empty());
    for (std::size_t i = 1; i < entries.size(); ++i) {
        const auto& a = entries[i - 1];
        const auto& b = entries[i];
        const bool ordered = a.protocol < b.protocol || (a.protocol == b.protocol && a.code < b.code);
        EXPECT_TRUE(ordered) << "at index " << i << ": " << a.code << " then " << b.code;
    }
}

TEST(Registry, CodesWithinProtocolRange) {
    for (const auto& e : logcodes::registry_entries()) {
        EXPECT_GE(e.code, logcodes::min_code(e.protocol)) << e.code;
        EXPECT_LE(e.code, logcodes::max_code(e.protocol)) << e.code;
        EXPECT_FALSE(e.reason.empty()) << e.code;
        EXPECT_FALSE(e.origin.empty()) << e.code;
    }
}

TEST(Registry, EveryEntryIsFoundAtItsOwnAddress) {
    for (const auto& e : logcodes::registry_entries()) {
        EXPECT_EQ(find_code(e.protocol, e.code), &e) << e.code;
    }
}

TEST(Registry, SipHasOnlyOfficialEntries) {
    for (const auto& e : logcodes::registry_entries()) {
        if (e.protocol == Protocol::sip) {
            EXPECT_EQ(e.source, CodeSource::iana) << e.code;
        }
    }
}

TEST(Registry, AllIanaHttpCodesPresent) {
    expect_listed(Protocol::http, kIanaHttp, CodeSource::iana);
}

TEST(Registry, DefactoHttpCodesPresent) {
    expect_listed(Protocol::http, kDefactoHttp, CodeSource::defacto);
}

TEST(Registry, AllSipCodesPresent) {
    expect_listed(Protocol::sip, kSip, CodeSource::iana);
}

TEST(Registry, TableHoldsExactlyTheListedCodes) {
    EXPECT_EQ(count_of(Protocol::http), kIanaHttp.size() + kDefactoHttp.size());
    EXPECT_EQ(count_of(Protocol::sip), kSip.size());
}

TEST(Registry, FindHttpSamples) {
    const CodeEntry* e = find_code(Protocol::http, 200);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->reason, "OK");
    EXPECT_EQ(e->source, CodeSource::iana);

    e = find_code(Protocol::http, 404);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->reason, "Not Found");

    e = find_code(Protocol::http, 413);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->reason, "Content Too Large");
    EXPECT_EQ(e->origin, "RFC 9110");

    e = find_code(Protocol::http, 499);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->reason, "Client Closed Request");
    EXPECT_EQ(e->source, CodeSource::defacto);
    EXPECT_EQ(e->origin, "nginx");

    e = find_code(Protocol::http, 444);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->reason, "No Response");
    EXPECT_EQ(e->source, CodeSource::defacto);

    e = find_code(Protocol::http, 104);
    ASSERT_NE(e, nullptr);
    EXPECT_FALSE(e->note.empty());  // temporary registration
}

TEST(Registry, FindSipSamples) {
    const CodeEntry* e = find_code(Protocol::sip, 486);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->reason, "Busy Here");
    EXPECT_EQ(e->origin, "RFC 3261");
    EXPECT_EQ(e->protocol, Protocol::sip);

    e = find_code(Protocol::sip, 202);
    ASSERT_NE(e, nullptr);
    EXPECT_FALSE(e->note.empty());  // deprecated

    // Same number, different meaning per protocol.
    const CodeEntry* h = find_code(Protocol::http, 413);
    const CodeEntry* s = find_code(Protocol::sip, 413);
    ASSERT_NE(h, nullptr);
    ASSERT_NE(s, nullptr);
    EXPECT_NE(h, s);
    EXPECT_EQ(s->reason, "Request Entity Too Large");
}

TEST(Registry, UnregisteredInRangeCodesAreNull) {
    for (std::uint16_t c : std::initializer_list<std::uint16_t>{298, 299, 309, 427, 432, 452, 512}) {
        EXPECT_EQ(find_code(Protocol::http, c), nullptr) << c;
    }
    for (std::uint16_t c : std::initializer_list<std::uint16_t>{101, 201, 409, 411, 499, 514, 699}) {
        EXPECT_EQ(find_code(Protocol::sip, c), nullptr) << c;
    }
}

TEST(Registry, OutOfRangeCodesAreNull) {
    for (std::uint16_t c : std::initializer_list<std::uint16_t>{0, 1, 99, 600, 604, 699, 700, 999, 65535}) {
        EXPECT_EQ(find_code(Protocol::http, c), nullptr) << c;
    }
    for (std::uint16_t c : std::initializer_list<std::uint16_t>{0, 99, 700, 65535}) {
        EXPECT_EQ(find_code(Protocol::sip, c), nullptr) << c;
    }
}

TEST(Registry, ClassNames) {
    EXPECT_EQ(logcodes::class_name(Protocol::http, 1), "Informational");
    EXPECT_EQ(logcodes::class_name(Protocol::http, 2), "Successful");
    EXPECT_EQ(logcodes::class_name(Protocol::http, 3), "Redirection");
    EXPECT_EQ(logcodes::class_name(Protocol::http, 4), "Client Error");
    EXPECT_EQ(logcodes::class_name(Protocol::http, 5), "Server Error");
    EXPECT_EQ(logcodes::class_name(Protocol::http, 6), "");
    EXPECT_EQ(logcodes::class_name(Protocol::http, 0), "");
    EXPECT_EQ(logcodes::class_name(Protocol::http, -1), "");

    EXPECT_EQ(logcodes::class_name(Protocol::sip, 1), "Provisional");
    EXPECT_EQ(logcodes::class_name(Protocol::sip, 2), "Successful");
    EXPECT_EQ(logcodes::class_name(Protocol::sip, 3), "Redirection");
    EXPECT_EQ(logcodes::class_name(Protocol::sip, 4), "Request Failure");
    EXPECT_EQ(logcodes::class_name(Protocol::sip, 5), "Server Failure");
    EXPECT_EQ(logcodes::class_name(Protocol::sip, 6), "Global Failure");
    EXPECT_EQ(logcodes::class_name(Protocol::sip, 7), "");
    EXPECT_EQ(logcodes::class_name(Protocol::sip, 0), "");
}

TEST(Registry, EveryEntryHasAClassName) {
    for (const auto& e : logcodes::registry_entries()) {
        EXPECT_FALSE(logcodes::class_name(e.protocol, e.code / 100).empty()) << e.code;
    }
}

TEST(Registry, ProtocolNamesRoundTrip) {
    for (Protocol p : {Protocol::http, Protocol::sip}) {
        Protocol parsed = p == Protocol::http ? Protocol::sip : Protocol::http;
        ASSERT_TRUE(logcodes::parse_protocol(logcodes::protocol_name(p), parsed));
        EXPECT_EQ(parsed, p);
    }
    EXPECT_EQ(logcodes::protocol_name(Protocol::http), "http");
    EXPECT_EQ(logcodes::protocol_name(Protocol::sip), "sip");

    Protocol out = Protocol::sip;
    for (std::string_view bad : {"", "HTTP", "Sip", "https", "sips", " http", "http "}) {
        EXPECT_FALSE(logcodes::parse_protocol(bad, out)) << bad;
        EXPECT_EQ(out, Protocol::sip);  // untouched on failure
    }
}

}  // namespace
