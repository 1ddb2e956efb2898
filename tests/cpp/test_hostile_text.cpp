// Text leaving the core (escaped, injective) and format detection past unusable first lines.
#include "logcodes/formats/detect_sample.hpp"
#include "logcodes/text_escape.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace {

using namespace logcodes;

std::string esc(std::string_view s) {
    std::string out;
    append_escaped_text(out, s);
    return out;
}

// The inverse of the escape, as logcodes.raw_bytes() does it in Python.
std::string unescape(std::string_view s) {
    auto hex = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '\\') {
            out.push_back('\\');
            ++i;
        } else if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x' && isxdigit(s[i + 2]) && isxdigit(s[i + 3])) {
            out.push_back(static_cast<char>(hex(s[i + 2]) * 16 + hex(s[i + 3])));
            i += 3;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}


TEST(TextEscape, PlainTextIsUnchanged) {
    for (std::string_view s : {"", "/index.html", "C:\\Windows\\x", "say \\\"hi\\\"", "caf\xc3\xa9 \xe2\x82\xac",
                               "a long plain line of more than eight bytes"}) {
        EXPECT_TRUE(text_is_plain(s)) << s;
        EXPECT_EQ(esc(s), s);
    }
}

TEST(TextEscape, BytesAndLookAlikesStayApart) {
    EXPECT_EQ(esc("/\xff"), "/\\xff");
    EXPECT_EQ(esc("/\\xff"), "/\\\\xff");         // the four characters, as a log wrote them
    EXPECT_EQ(esc("\\\\"), "\\\\\\");             // a doubled backslash: the first one is doubled
    EXPECT_EQ(esc("\\\xff"), "\\\\\\xff");        // a backslash before an escaped byte
    EXPECT_EQ(esc("20\xca"), "20\\xca");
    EXPECT_EQ(esc("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate is not UTF-8
    EXPECT_NE(esc("/\xff"), esc("/\\xff"));
}

TEST(TextEscape, RandomBytesRoundTripAndDistinctInputsStayDistinct) {
    std::mt19937 rng(7);
    const std::string alphabet = "\\xX0aFf\xff\xc3\xa9\x80 ";
    for (int n = 0; n < 20000; ++n) {
        std::string s;
        const int len = static_cast<int>(rng() % 12);
        for (int i = 0; i < len; ++i)
            s.push_back(rng() % 3 ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng() & 0xff));
        const std::string e = esc(s);
        ASSERT_EQ(unescape(e), s) << e;
        std::string scratch;
        ASSERT_EQ(escaped_text(s, scratch), e);
        ASSERT_EQ(text_is_plain(s), e == s);
    }
}

TEST(DetectSample, LongAndBinaryFirstLinesAreSkipped) {
    const std::string good = "1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 5\n";
    std::string input = std::string(70000, 'x') + "\n" + std::string("\x01\x02\0\x03junk\n", 9);
    for (int i = 0; i < 100; ++i) input += good;
    const Detection d = detect_format(input, true);
    ASSERT_NE(d.format, nullptr);
    EXPECT_EQ(std::string(d.format->name()), "common");
    EXPECT_EQ(d.sample_lines, kDetectLines);
    EXPECT_NE(d.explanation.find("skipped 1 line over 64 KiB and 1 binary line"), std::string::npos) << d.explanation;

    // Fed in pieces of any size, the sample is the same.
    for (std::size_t piece : {1u, 7u, 4096u, 65536u}) {
        DetectSample s;
        for (std::size_t at = 0; at < input.size() && !s.complete(); at += piece)
            s.feed(std::string_view(input).substr(at, piece));
        EXPECT_EQ(s.finish(false).explanation, d.explanation);
    }
}

TEST(DetectSample, NothingUsableSaysWhy) {
    std::mt19937 rng(3);
    std::string junk(1 << 16, '\0');
    for (char& c : junk) c = static_cast<char>(rng() & 0xff);
    const Detection d = detect_format(junk, true);
    EXPECT_EQ(d.format, nullptr);
    EXPECT_NE(d.explanation.find("binary line"), std::string::npos) << d.explanation;
}

}  // namespace
