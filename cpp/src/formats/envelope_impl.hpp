// The built-in envelopes, each defined in its own file (envelope_*.cpp), listed by envelopes.cpp.
#pragma once

#include "logcodes/formats/envelope.hpp"

namespace logcodes {

const Envelope& syslog_envelope() noexcept;
const Envelope& cri_envelope() noexcept;
const Envelope& docker_envelope() noexcept;
const Envelope& journald_envelope() noexcept;
const Envelope& shipper_envelope() noexcept;
const Envelope& export_envelope() noexcept;

}  // namespace logcodes
