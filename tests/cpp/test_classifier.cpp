#include "logcodes/classifier.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <string_view>

namespace {

using logcodes::classify;
using logcodes::CodeStatus;
using logcodes::Protocol;

TEST(Classify, RegisteredHttpCodes) {
    const std::pair<std::string_view, int> known[] = {{"100", 100}, {"200", 200}, {"301", 301}, {"404", 404},
                                                      {"500", 500}, {"503", 503}};
    for (auto [token, code] : known) {
        const auto c = classify(Protocol::http, token);
        EXPECT_EQ(c.status, CodeStatus::registered) << token;
        EXPECT_EQ(c.code, code) << token;
        ASSERT_NE(c.entry, nullptr) << token;
        EXPECT_EQ(c.entry->code, code);
        EXPECT_EQ(c.entry->protocol, Protocol::http);
    }
    const auto ok = classify(Protocol::http, "200");
    ASSERT_NE(ok.entry, nullptr);
    EXPECT_EQ(ok.entry->reason, "OK");
    const auto nf = classify(Protocol::http, "404");
    ASSERT_NE(nf.entry, nullptr);
    EXPECT_EQ(nf.entry->reason, "Not Found");
}

TEST(Classify, UnregisteredButInRange) {
    // HTTP 298 is a three-digit 2xx value nobody registered: counted, not invalid.
    const auto c = classify(Protocol::http, "298");
    EXPECT_EQ(c.status, CodeStatus::unregistered);
    EXPECT_EQ(c.code, 298);
    EXPECT_EQ(c.entry, nullptr);
    // The edges of the HTTP range.
    EXPECT_NE(classify(Protocol::http, "100").status, CodeStatus::invalid);
    EXPECT_NE(classify(Protocol::http, "599").status, CodeStatus::invalid);
    EXPECT_EQ(classify(Protocol::http, "599").code, 599);
    // SIP has no 298 either.
    EXPECT_EQ(classify(Protocol::sip, "298").status, CodeStatus::unregistered);
}

TEST(Classify, InvalidTokens) {
    for (std::string_view token : {"009", "000", "099", "1000", "-", "abc", "600", "999", "99", " 20", "20 ", "2O0",
                                   "", "+20", "-20", "20\r", "2000", "0200", "\xff\xff\xff", "\xef\xbc\x92" "00"}) {
        const auto c = classify(Protocol::http, token);
        EXPECT_EQ(c.status, CodeStatus::invalid) << '"' << token << '"';
        EXPECT_EQ(c.entry, nullptr) << '"' << token << '"';
    }
}

TEST(Classify, SipRangeReachesSixHundreds) {
    // 6xx is a class of SIP (Global Failure) but not of HTTP.
    const auto decline = classify(Protocol::sip, "603");
    EXPECT_EQ(decline.status, CodeStatus::registered);
    EXPECT_EQ(decline.code, 603);
    ASSERT_NE(decline.entry, nullptr);
    EXPECT_EQ(decline.entry->protocol, Protocol::sip);
    EXPECT_EQ(decline.entry->reason, "Decline");
    EXPECT_EQ(classify(Protocol::http, "603").status, CodeStatus::invalid);
    EXPECT_EQ(classify(Protocol::http, "600").status, CodeStatus::invalid);
    EXPECT_NE(classify(Protocol::sip, "699").status, CodeStatus::invalid);
    for (std::string_view token : {"700", "099", "000", "1000", "-", "abc", "99", " 20"})
        EXPECT_EQ(classify(Protocol::sip, token).status, CodeStatus::invalid) << '"' << token << '"';
    const auto ringing = classify(Protocol::sip, "180");
    EXPECT_EQ(ringing.status, CodeStatus::registered);
    ASSERT_NE(ringing.entry, nullptr);
    EXPECT_EQ(ringing.entry->reason, "Ringing");
}

TEST(Classify, EveryThreeDigitValueAgreesWithTheRegistry) {
    for (Protocol p : {Protocol::http, Protocol::sip}) {
        for (int v = 0; v <= 999; ++v) {
            char buf[4];
            buf[0] = static_cast<char>('0' + v / 100);
            buf[1] = static_cast<char>('0' + v / 10 % 10);
            buf[2] = static_cast<char>('0' + v % 10);
            const auto c = classify(p, std::string_view(buf, 3));
            const bool in_range = v >= logcodes::min_code(p) && v <= logcodes::max_code(p);
            if (!in_range) {
                EXPECT_EQ(c.status, CodeStatus::invalid) << v;
                continue;
            }
            EXPECT_EQ(c.code, v);
            const auto* e = logcodes::find_code(p, static_cast<std::uint16_t>(v));
            EXPECT_EQ(c.entry, e) << v;
            EXPECT_EQ(c.status, e ? CodeStatus::registered : CodeStatus::unregistered) << v;
        }
    }
}

TEST(Classify, OnlyTheTokenIsRead) {
    // A view into a longer buffer: bytes after the token must not matter.
    const std::string line = "2001234";
    EXPECT_EQ(classify(Protocol::http, std::string_view(line).substr(0, 3)).code, 200);
    EXPECT_EQ(classify(Protocol::http, std::string_view(line).substr(3, 3)).code, 123);
}

}  // namespace
