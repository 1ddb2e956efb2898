// A Record that owns its text: a copy that outlives the block it was read from (access-log errors wait
// for their error-log event until the scan ends). Kept compact: a record's table of named fields is large
// and mostly empty, so only the fields in use are kept, and views are restored into a Record on demand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "logcodes/record.hpp"

namespace logcodes {

class OwnedRecord {
public:
    OwnedRecord() = default;
    explicit OwnedRecord(const Record& r);
    OwnedRecord(OwnedRecord&&) noexcept = default;   // the buffer moves with the text its views point into
    OwnedRecord& operator=(OwnedRecord&&) noexcept = default;
    OwnedRecord(const OwnedRecord&) = delete;
    OwnedRecord& operator=(const OwnedRecord&) = delete;

    // Writes the record into `out`: its views point into this object, valid while it lives.
    void restore(Record& out) const noexcept;

private:
    std::unique_ptr<char[]> data_;   // the record without its unused named fields, then its text
    std::uint8_t extras_ = 0;        // named fields in use
};

}  // namespace logcodes
