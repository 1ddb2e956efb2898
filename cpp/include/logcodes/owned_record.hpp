// A Record that owns its text: a copy whose views point into one buffer of its own, so it outlives the
// block it was read from (access-log errors wait there for their error-log event until the scan ends).
#pragma once

#include <cstddef>
#include <memory>

#include "logcodes/record.hpp"

namespace logcodes {

class OwnedRecord {
public:
    OwnedRecord() = default;
    explicit OwnedRecord(const Record& r);
    OwnedRecord(OwnedRecord&&) noexcept = default;   // the buffer moves with its views
    OwnedRecord& operator=(OwnedRecord&&) noexcept = default;
    OwnedRecord(const OwnedRecord&) = delete;
    OwnedRecord& operator=(const OwnedRecord&) = delete;

    Record& record() noexcept { return record_; }
    const Record& record() const noexcept { return record_; }

private:
    Record record_;
    std::unique_ptr<char[]> text_;
};

}  // namespace logcodes
