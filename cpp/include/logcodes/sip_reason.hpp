// The SIP Reason header (RFC 3326): why a request ended or a response was sent, as a protocol's cause
// value — "Q.850;cause=17;text=\"USER_BUSY\"" says the ISDN cause 17 (user busy), "SIP;cause=600" a SIP code.
#pragma once

#include <string_view>

namespace logcodes {

// The cause value of the first Reason header of `protocol` ("Q.850", "SIP"; any case) in `reason_header`
// (several headers may be joined with ", "); 0 when there is none.
int reason_cause(std::string_view reason_header, std::string_view protocol) noexcept;

}  // namespace logcodes
