// Load balancers, CDNs and proxies: AWS Application Load Balancer and Classic ELB access logs and CloudFront
// real-time logs (defined as token formats) and the HAProxy HTTP log (plain or inside syslog).
#pragma once

#include <span>

#include "logcodes/formats/builtin.hpp"

namespace logcodes {

std::span<const BuiltinFormat> proxy_formats();

}  // namespace logcodes
