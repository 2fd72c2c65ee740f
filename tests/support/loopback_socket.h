// Raw TCP to a server on 127.0.0.1, for tests that must send what no client
// library would (malformed, oversized or half-sent requests).

#ifndef CANDOR_TESTS_SUPPORT_LOOPBACK_SOCKET_H_
#define CANDOR_TESTS_SUPPORT_LOOPBACK_SOCKET_H_

#include <string>

namespace candor::testing {

// A socket connected to the port of `address` ("host:port") on 127.0.0.1,
// whose reads give up after minutes rather than hang a broken test (a
// deadline, never a sleep). The caller closes it. A test failure if it
// cannot connect.
int ConnectLoopback(const std::string& address);

// Sends `request` on a new connection (as much as the server takes before
// closing) and returns everything it answers until it closes.
std::string ExchangeOnce(const std::string& address, const std::string& request);

}  // namespace candor::testing

#endif  // CANDOR_TESTS_SUPPORT_LOOPBACK_SOCKET_H_
