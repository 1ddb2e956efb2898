// Cause rules: first match in order, the captured detail, and a rule's kind put before it.
#include <gtest/gtest.h>

#include "logcodes/rules.hpp"

using namespace logcodes;

namespace {

std::unique_ptr<RuleSet> compile(std::vector<Rule> rules) {
    Error err;
    auto rs = RuleSet::compile(std::move(rules), err);
    EXPECT_TRUE(rs) << err.message;
    return rs;
}

}  // namespace

TEST(Rules, FirstRuleInOrderWins) {
    auto rs = compile({{"specific", "", R"(connect\(\) failed \(113: )", {}, ""},
                       {"general", "", R"(connect\(\) failed)", {}, ""}});
    EXPECT_EQ(rs->match("connect() failed (113: No route to host)"), 0);
    EXPECT_EQ(rs->match("connect() failed (111: Connection refused)"), 1);
    EXPECT_EQ(rs->match("nothing here"), -1);
}

TEST(Rules, DetailIsTheFirstGroupThatTookPart) {
    auto rs = compile({{"r", "", R"(in the jsp file: \[([^\]]+)\]|processing \[([^\]]+)\])", {}, ""}});
    std::string_view detail;
    EXPECT_EQ(rs->match("An exception occurred processing [/npe.jsp] at line [4]", &detail), 0);
    EXPECT_EQ(detail, "/npe.jsp");
}

TEST(Rules, KindIsPutBeforeTheCapturedDetail) {
    auto rs = compile({{"jsp_compile_error", "", R"(JasperException: (\S+) \(line: \[\d+\], column: \[\d+\]\))", {}, "translation"},
                       {"jsp_compile_error", "", R"(Unable to compile class for JSP(?:(?s:.*?)in the jsp file: \[([^\]]+)\])?)", {}, "compile"},
                       {"plain", "", R"(NullPointerException)", {}, ""}});
    std::string_view detail;
    EXPECT_EQ(rs->match("org.apache.jasper.JasperException: /a.jsp (line: [3], column: [1]) Unterminated [&lt;%=] tag", &detail), 0);
    EXPECT_EQ(detail, "translation: /a.jsp");
    EXPECT_EQ(rs->match("JasperException: Unable to compile class for JSP: \n\nAn error occurred at line: [2] in the jsp file: [/b.jsp]", &detail), 1);
    EXPECT_EQ(detail, "compile: /b.jsp");
    // No group took part: the kind alone.
    EXPECT_EQ(rs->match("JasperException: Unable to compile class for JSP", &detail), 1);
    EXPECT_EQ(detail, "compile");
    // A rule without kind or groups leaves the detail empty (the event's own detail is used).
    EXPECT_EQ(rs->match("java.lang.NullPointerException", &detail), 2);
    EXPECT_TRUE(detail.empty());
}

TEST(Rules, CodesLimitWhatARuleExplains) {
    auto rs = compile({{"timeout", "", "timed out", {"504", "502"}, ""}, {"any", "", "x", {}, ""}});
    EXPECT_TRUE(rs->applies(0, 504));
    EXPECT_FALSE(rs->applies(0, 503));
    EXPECT_TRUE(rs->applies(1, 404));
    EXPECT_FALSE(rs->applies(1, 200));
}
