// Who a SIP message is from and to: the user and host of its From, To and request-URI, as named fields.
#include "../../cpp/src/formats/sip_text.hpp"

#include "logcodes/fields.hpp"
#include "logcodes/formats/builtin.hpp"
#include "logcodes/formats/sip.hpp"
#include "logcodes/record.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

using logcodes::sip_text::header_uri;
using logcodes::sip_text::uri_parts;

std::pair<std::string, std::string> parts(std::string_view uri) {
    const auto p = uri_parts(uri);
    return {std::string(p.user), std::string(p.host)};
}

// RFC 3261 §19.1.1 (SIP URI), §19.1.3 examples, RFC 3966 (tel URI), RFC 5118 (IPv6 hosts).
TEST(SipUri, UserAndHost) {
    using P = std::pair<std::string, std::string>;
    EXPECT_EQ(parts("sip:alice@atlanta.com"), P("alice", "atlanta.com"));
    EXPECT_EQ(parts("sip:alice:secretword@atlanta.com;transport=tcp"), P("alice", "atlanta.com"));
    EXPECT_EQ(parts("sips:alice@atlanta.com?subject=project%20x&priority=urgent"), P("alice", "atlanta.com"));
    EXPECT_EQ(parts("sip:+1-212-555-1212:1234@gateway.com;user=phone"), P("+1-212-555-1212", "gateway.com"));
    EXPECT_EQ(parts("sips:1212@gateway.com"), P("1212", "gateway.com"));
    EXPECT_EQ(parts("sip:alice@192.0.2.4"), P("alice", "192.0.2.4"));
    EXPECT_EQ(parts("sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com"), P("", "atlanta.com"));
    EXPECT_EQ(parts("sip:alice;day=tuesday@atlanta.com"), P("alice;day=tuesday", "atlanta.com"));
    EXPECT_EQ(parts("sip:bob@biloxi.com:5060"), P("bob", "biloxi.com"));
    EXPECT_EQ(parts("sip:[2001:db8::10]:5070"), P("", "[2001:db8::10]"));
    EXPECT_EQ(parts("sip:user@[2001:db8::10];transport=udp"), P("user", "[2001:db8::10]"));
    EXPECT_EQ(parts("SIP:Bob@Biloxi.com"), P("Bob", "Biloxi.com"));
    EXPECT_EQ(parts("tel:+1-201-555-0123"), P("+1-201-555-0123", ""));
    EXPECT_EQ(parts("tel:7042;phone-context=example.com"), P("7042", ""));
    // Not a SIP or tel URI: nothing is made up.
    EXPECT_EQ(parts("http://www.example.com/a"), P("", ""));
    EXPECT_EQ(parts("alice@atlanta.com"), P("", ""));
    EXPECT_EQ(parts(""), P("", ""));
}

// RFC 3261 §20.20 and §20.39 (From, To), §25.1 (name-addr / addr-spec).
TEST(SipUri, OfFromAndToValues) {
    EXPECT_EQ(header_uri("\"A. G. Bell\" <sip:agb@bell-telephone.com> ;tag=a48s"), "sip:agb@bell-telephone.com");
    EXPECT_EQ(header_uri("sip:+12125551212@server.phone2net.com;tag=887s"), "sip:+12125551212@server.phone2net.com");
    EXPECT_EQ(header_uri("Anonymous <sip:c8oqz84zk7z@privacy.org>;tag=hyh8"), "sip:c8oqz84zk7z@privacy.org");
    EXPECT_EQ(header_uri("The Operator <sip:operator@cs.columbia.edu>;tag=287447"), "sip:operator@cs.columbia.edu");
    EXPECT_EQ(header_uri("<sip:carol@chicago.com;transport=udp>"), "sip:carol@chicago.com;transport=udp");
    EXPECT_EQ(header_uri("\"Joe <the> Caller\" <sip:joe@example.com>"), "sip:joe@example.com");
    EXPECT_EQ(header_uri("<sip:cut@example.com"), "sip:cut@example.com");
}

const logcodes::Format& format(std::string_view name) {
    for (const auto& b : logcodes::all_builtin_formats())
        if (b.name == name) return *b.format;
    throw std::runtime_error("no format " + std::string(name));
}

// The named fields of the records a parser makes of `lines`, record by record.
std::vector<std::map<std::string, std::string>> fields_of(std::string_view format_name,
                                                          const std::vector<std::string>& lines) {
    auto parser = format(format_name).make_parser();
    std::vector<std::map<std::string, std::string>> out;
    logcodes::Record r;
    auto take = [&] {
        std::map<std::string, std::string> m;
        for (std::uint8_t i = 0; i < r.extra_count; ++i)
            m[logcodes::field_name(r.extras[i].id)] = std::string(r.extras[i].value);
        m["status"] = std::string(r.status);
        out.push_back(m);
    };
    for (const std::string& l : lines)
        if (parser->parse(l, r) == logcodes::ParseResult::record) take();
    if (parser->flush(r)) take();
    return out;
}

// RFC 3261 §24.2 (the Alice-to-Bob call flow through atlanta.com and biloxi.com proxies), F1 and F9.
TEST(SipAddressFields, FromToAndRequestUriOfATrace) {
    const auto got = fields_of("sip_trace", {
        "INVITE sip:bob@biloxi.com SIP/2.0",
        "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8",
        "Max-Forwards: 70",
        "To: Bob <sip:bob@biloxi.com>",
        "From: Alice <sip:alice@atlanta.com>;tag=1928301774",
        "Call-ID: a84b4c76e66710",
        "CSeq: 314159 INVITE",
        "Content-Length: 0",
        "",
        "SIP/2.0 486 Busy Here",
        "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8",
        "t: Bob <sip:bob@biloxi.com:5060>;tag=a6c85cf",
        "f: \"Alice\" <sip:alice@atlanta.com>;tag=1928301774",
        "i: a84b4c76e66710",
        "CSeq: 314159 INVITE",
        "l: 0",
        "",
    });
    ASSERT_EQ(got.size(), 2u);
    const std::map<std::string, std::string> invite{{"status", ""}, {"from_user", "alice"}, {"from_host", "atlanta.com"},
        {"to_user", "bob"}, {"to_host", "biloxi.com"}, {"ruri_user", "bob"}, {"ruri_host", "biloxi.com"}};
    EXPECT_EQ(got[0], invite);
    // A response does not repeat the request-URI: no ruri fields, never the request's.
    const std::map<std::string, std::string> busy{{"status", "486"}, {"from_user", "alice"},
        {"from_host", "atlanta.com"}, {"to_user", "bob"}, {"to_host", "biloxi.com"}};
    EXPECT_EQ(got[1], busy);
}

// Messages are read into two buffers in turn: a response read into the buffer a request used keeps none of the
// request's fields (request, request, response: the response takes the first request's buffer).
TEST(SipAddressFields, AResponseNeverKeepsARequestUri) {
    const auto got = fields_of("sip_trace", {
        "INVITE sip:bob@biloxi.com SIP/2.0", "To: <sip:bob@biloxi.com>", "From: <sip:alice@atlanta.com>;tag=1",
        "Call-ID: c1", "CSeq: 1 INVITE", "", "CANCEL sip:bob@biloxi.com SIP/2.0", "To: <sip:bob@biloxi.com>",
        "From: <sip:alice@atlanta.com>;tag=1", "Call-ID: c1", "CSeq: 1 CANCEL", "", "SIP/2.0 487 Request Terminated",
        "To: <sip:bob@biloxi.com>;tag=2", "From: <sip:alice@atlanta.com>;tag=1", "Call-ID: c1", "CSeq: 1 INVITE", ""});
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].count("ruri_user"), 1u);
    EXPECT_EQ(got[1].count("ruri_user"), 1u);
    EXPECT_EQ(got[2].count("ruri_user"), 0u);
    EXPECT_EQ(got[2].count("ruri_host"), 0u);
    EXPECT_EQ(got[2].at("to_user"), "bob");
}

// Kamailio's default kamailio.cfg: log_extra "src_user=$fU;src_domain=$fd;src_ip=$si;dst_ouser=$tU;
// dst_user=$rU;dst_domain=$rd". A line written by Kamailio 5.6 in the lab (tests/data/lab_sipp).
TEST(SipAddressFields, AccLogExtra) {
    const auto got = fields_of("sip_acc", {
        " 1(21325) NOTICE: {2 1 INVITE 1-21355@127.0.0.1} acc [acc.c:287]: acc_log_request(): ACC: transaction "
        "answered: timestamp=1795477720;method=INVITE;from_tag=21355SIPpTag001;to_tag=21344SIPpTag011;"
        "call_id=1-21355@127.0.0.1;code=486;reason=Busy Here;src_user=sipp;src_domain=127.0.0.1;src_ip=127.0.0.1;"
        "dst_ouser=busy;dst_user=busy2;dst_domain=10.0.0.7;reply_reason_hdr="});
    ASSERT_EQ(got.size(), 1u);
    const std::map<std::string, std::string> want{{"status", "486"}, {"from_user", "sipp"}, {"from_host", "127.0.0.1"},
        {"to_user", "busy"}, {"ruri_user", "busy2"}, {"ruri_host", "10.0.0.7"}};
    EXPECT_EQ(got[0], want);
}

TEST(SipAddressFields, NamedByBothSipFormats) {
    for (std::string_view name : {"sip_trace", "sip_acc"}) {
        const auto names = format(name).field_names();
        EXPECT_EQ(names, logcodes::sip_address_field_names()) << name;
    }
    EXPECT_NE(logcodes::find_field("to_user"), logcodes::kNoField);
}

}  // namespace
