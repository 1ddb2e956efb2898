#include "logcodes/time.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace {

using logcodes::days_from_civil;
using logcodes::kNoTime;
using logcodes::parse_clf_time;

// The proleptic Gregorian calendar, checked at compile time too.
static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(1969, 12, 31) == -1);
static_assert(days_from_civil(2000, 3, 1) == 11017);

TEST(DaysFromCivil, KnownDates) {
    EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
    EXPECT_EQ(days_from_civil(1970, 1, 2), 1);
    EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
    EXPECT_EQ(days_from_civil(1969, 1, 1), -365);
    EXPECT_EQ(days_from_civil(2000, 2, 29), 11016);
    EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
    EXPECT_EQ(days_from_civil(1600, 1, 1), -135140);
    EXPECT_EQ(days_from_civil(2400, 2, 29), 157113);
    EXPECT_EQ(days_from_civil(1, 1, 1), -719162);
}

TEST(DaysFromCivil, ConsecutiveDaysAcrossYearsAndLeapDays) {
    // Walking day by day from 1899 to 2101 must add exactly one each step (1900 and 2100 are not leap years).
    std::int64_t prev = days_from_civil(1899, 1, 1) - 1;
    for (std::int64_t y = 1899; y <= 2101; ++y) {
        const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        const unsigned len[12] = {31, leap ? 29u : 28u, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        for (unsigned m = 1; m <= 12; ++m) {
            for (unsigned d = 1; d <= len[m - 1]; ++d) {
                const std::int64_t n = days_from_civil(y, m, d);
                ASSERT_EQ(n, prev + 1) << y << "-" << m << "-" << d;
                prev = n;
            }
        }
    }
}

TEST(ParseClfTime, KnownEpochs) {
    EXPECT_EQ(parse_clf_time("10/Oct/2000:13:55:36 -0700"), 971211336);
    EXPECT_EQ(parse_clf_time("10/Oct/2000:20:55:36 +0000"), 971211336);
    EXPECT_EQ(parse_clf_time("02/Oct/2017:20:22:07 +0000"), 1506975727);
    EXPECT_EQ(parse_clf_time("01/Jan/1970:00:00:00 +0000"), 0);
}

TEST(ParseClfTime, HalfHourZones) {
    EXPECT_EQ(parse_clf_time("22/Jan/2019:03:56:14 +0330"), 1548116774);
    // The same instant written in other zones.
    EXPECT_EQ(parse_clf_time("22/Jan/2019:00:26:14 +0000"), 1548116774);
    EXPECT_EQ(parse_clf_time("21/Jan/2019:14:56:14 -0930"), 1548116774);
    // "+hh:mm" is accepted as well.
    EXPECT_EQ(parse_clf_time("22/Jan/2019:03:56:14 +03:30"), 1548116774);
}

TEST(ParseClfTime, NoZoneIsUtc) {
    EXPECT_EQ(parse_clf_time("10/Oct/2000:20:55:36"), 971211336);
    // HAProxy's milliseconds, without a zone.
    EXPECT_EQ(parse_clf_time("06/Feb/2009:12:14:14.655"), 1233922454);
    EXPECT_EQ(parse_clf_time("10/Oct/2000:13:55:36.123 -0700"), 971211336);
}

TEST(ParseClfTime, LeapDays) {
    EXPECT_EQ(parse_clf_time("29/Feb/2000:00:00:00 +0000"), 951782400);
    EXPECT_EQ(parse_clf_time("29/Feb/2024:23:59:59 +0000"), 1709251199);
    EXPECT_EQ(parse_clf_time("01/Mar/2024:00:00:00 +0000"), 1709251200);
}

TEST(ParseClfTime, BeforeTheEpoch) {
    EXPECT_EQ(parse_clf_time("01/Jan/1969:00:00:00 +0000"), -31536000);
    EXPECT_EQ(parse_clf_time("31/Dec/1969:23:59:59 +0000"), -1);
}

TEST(ParseClfTime, MonthNamesAnyCase) {
    EXPECT_EQ(parse_clf_time("10/OCT/2000:13:55:36 -0700"), 971211336);
    EXPECT_EQ(parse_clf_time("10/oct/2000:13:55:36 -0700"), 971211336);
}

TEST(ParseClfTime, BadInputsAreNoTime) {
    for (std::string_view bad : {
             "",
             "-",
             "10/Oct/2000",
             "10/Oct/2000:13:55",
             "[10/Oct/2000:13:55:36 -0700]",       // brackets are the format's, not the time's
             "10/Foo/2000:13:55:36 -0700",         // no such month
             "1O/Oct/2000:13:55:36 -0700",         // letter O for a zero
             "00/Oct/2000:13:55:36 -0700",
             "32/Oct/2000:13:55:36 -0700",
             "10/Oct/2000:24:00:00 -0700",
             "10/Oct/2000:13:60:00 -0700",
             "10/Oct/2000:13:55:61 -0700",
             "10-Oct-2000:13:55:36 -0700",
             "10/Oct/2000 13:55:36 -0700",
             "10/Oct/2000:13:55:36 -07",           // short zone
             "10/Oct/2000:13:55:36 -07000",        // long zone
             "10/Oct/2000:13:55:36 0700",          // zone without a sign
             "10/Oct/2000:13:55:36 +07x0",
             "10/Oct/2000:13:55:36 -0700 trailing",
             "10/Oct/2000:13:55:36junk",
             "2000-10-10T13:55:36Z",               // ISO 8601 is not CLF
             "971211336",
         }) {
        EXPECT_EQ(parse_clf_time(bad), kNoTime) << '"' << bad << '"';
    }
}

// Dates that do not exist must not be moved silently to another day.
TEST(ParseClfTime, ImpossibleCalendarDatesAreNoTime) {
    for (std::string_view bad : {
             "29/Feb/2001:00:00:00 +0000",   // 2001 is not a leap year
             "29/Feb/1900:00:00:00 +0000",   // nor is 1900
             "30/Feb/2000:00:00:00 +0000",
             "31/Apr/2000:00:00:00 +0000",
             "31/Jun/2000:00:00:00 +0000",
             "31/Sep/2000:00:00:00 +0000",
             "31/Nov/2000:00:00:00 +0000",
         }) {
        EXPECT_EQ(parse_clf_time(bad), kNoTime) << '"' << bad << '"';
    }
}

}  // namespace
