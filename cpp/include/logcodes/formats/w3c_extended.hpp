// W3C extended log format (IIS, HTTP.sys HTTPERR, CloudFront, Oracle Web Cache ...): columns named by
// "#Fields:" directives, which may change mid-file, so a parser keeps the layout in force. Columns are
// split on tabs when the line holds one (CloudFront), else on runs of spaces; "quoted values" (with ""
// inside) may hold spaces. Every column is also a named field under its W3C name (sc-substatus,
// sc-win32-status, s-reason, x-edge-detailed-result-type ...), for grouping and, later, causes.
#pragma once

#include <span>

#include "logcodes/formats/builtin.hpp"

namespace logcodes {

std::span<const BuiltinFormat> w3c_formats();

}  // namespace logcodes
