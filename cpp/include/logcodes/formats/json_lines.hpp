// JSON-lines access logs, read with simdjson's On-Demand API in one pass per line.
//
// A format is a field map: for each role (status, method, path ...) one or more JSON paths ("status",
// "http.response.status_code", "request.uri"); any other name is a named field. Presets cover nginx
// escape=json logs, Caddy, Traefik, Envoy and ECS. A line that is not valid JSON is counted as unparsed —
// except that a bad number where the status stands (nginx writes "status":009 for HTTP/0.9 upstreams) is
// still read, as the status token it is, and then judged invalid.
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "logcodes/formats/builtin.hpp"
#include "logcodes/formats/compilers.hpp"
#include "logcodes/formats/format.hpp"

namespace logcodes {

std::span<const BuiltinFormat> json_formats();

}  // namespace logcodes
